using DeepNet.Models.Cnn;

namespace DeepNet.Models.Tests.Cnn;

public class OptimizerTests
{
    private static Parameter Make(bool decays, float value, float gradient)
    {
        var p = new Parameter("p", [1], decays);
        p.Value[0] = value;
        p.Gradient[0] = gradient;
        return p;
    }

    [Fact]
    public void SgdWithMomentumAccumulatesVelocity()
    {
        Parameter p = Make(decays: false, value: 1f, gradient: 2f);
        var sgd = new SgdMomentum([p], learningRate: 0.1f, momentum: 0.5f);

        sgd.Step(); // v = −0.2, w = 0.8
        sgd.Step(); // v = 0.5·(−0.2) − 0.2 = −0.3, w = 0.5

        Assert.Equal(0.5f, p.Value[0], 1e-6f);
        Assert.Equal(-0.3f, sgd.State[0][0], 1e-6f);
        Assert.Equal(2, sgd.Steps);
    }

    [Fact]
    public void WeightDecayShrinksWeightsButNotBiases()
    {
        Parameter weight = Make(decays: true, value: 2f, gradient: 0f);
        Parameter bias = Make(decays: false, value: 2f, gradient: 0f);
        var sgd = new SgdMomentum([weight, bias], learningRate: 0.1f, momentum: 0f, weightDecay: 0.5f);

        sgd.Step();

        Assert.Equal(2f - 0.1f * 0.5f * 2f, weight.Value[0], 1e-6f);
        Assert.Equal(2f, bias.Value[0]);
    }

    [Fact]
    public void AdamsFirstStepMovesEachWeightByTheLearningRateAgainstItsGradient()
    {
        Parameter a = Make(decays: false, value: 1f, gradient: 3f);
        Parameter b = Make(decays: false, value: 1f, gradient: -0.001f);
        var adam = new Adam([a, b], learningRate: 0.01f);

        adam.Step();

        // m̂ = g, v̂ = g²: the step is ε·g/|g| whatever the gradient's scale.
        Assert.Equal(0.99f, a.Value[0], 1e-5f);
        Assert.Equal(1.01f, b.Value[0], 1e-5f);
        Assert.Equal(4, adam.State.Count);
    }

    [Fact]
    public void TheLearningRateDecaysGeometricallyPerEpoch()
    {
        var options = new CnnOptions(LearningRate: 0.1f, LearningRateDecay: 0.5f);

        Assert.Equal(0.1f, options.LearningRateAt(1));
        Assert.Equal(0.025f, options.LearningRateAt(3), 1e-7f);
        Assert.Throws<ArgumentException>(() => (options with { LearningRateDecay = 0f }).Validate());
    }

    [Fact]
    public void AdamMinimizesAQuadratic()
    {
        Parameter p = Make(decays: false, value: 5f, gradient: 0f);
        var adam = new Adam([p], learningRate: 0.1f);

        for (int i = 0; i < 500; i++)
        {
            p.Gradient[0] = 2f * (p.Value[0] - 1.5f);
            adam.Step();
        }

        Assert.Equal(1.5f, p.Value[0], 0.05f);
    }
}
