using System.Globalization;
using DeepNet.Numerics;
using DeepNet.Server.Infrastructure;

namespace DeepNet.Server.Stepper;

/// <summary>
/// One convolution step as the lecture writes it, A_ij = Σ_kl W_kl·X_{i+k, j+l} (valid, stride 1): the output from the
/// numerics kernel the filter demos use (<see cref="Convolution.ValidCorrelation(ReadOnlySpan{float}, int, int, ReadOnlySpan{float}, int, int, int, Span{float})"/>)
/// and, per output cell, the products it sums.
/// </summary>
public static class ConvolutionStepper
{
    public const int MaxInputSide = 16;
    public const int MaxKernelSide = 8;

    private const string InvalidTitle = "Invalid convolution step";

    public static Outcome<ConvolutionStepResponse> Step(ConvolutionStepRequest? request)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var input = Read(request?.Input, "input", MaxInputSide, errors);
        var kernel = Read(request?.Kernel, "kernel", MaxKernelSide, errors);
        if (input is { } x && kernel is { } w && (w.Rows > x.Rows || w.Cols > x.Cols))
        {
            errors["kernel"] = [$"is {w.Rows}×{w.Cols} and does not fit in the {x.Rows}×{x.Cols} input (rows × columns)."];
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors, InvalidTitle);
        }

        Matrix image = input!;
        Matrix filter = kernel!;
        (int outRows, int outCols) = Convolution.OutputSize(image.Cols, image.Rows, filter.Rows, filter.Cols);
        var maps = new float[outRows * outCols];
        Convolution.ValidCorrelation(image.Data, image.Cols, image.Rows, filter.Data, 1, filter.Rows, filter.Cols, maps);

        var steps = new List<ConvolutionCellStep>(outRows * outCols);
        var output = new float[outRows][];
        for (int i = 0; i < outRows; i++)
        {
            output[i] = maps.AsSpan(i * outCols, outCols).ToArray();
            for (int j = 0; j < outCols; j++)
            {
                var terms = new float[filter.Rows * filter.Cols];
                for (int k = 0; k < filter.Rows; k++)
                {
                    for (int l = 0; l < filter.Cols; l++)
                    {
                        terms[k * filter.Cols + l] = filter[k, l] * image[i + k, j + l];
                    }
                }

                steps.Add(new ConvolutionCellStep(i, j, terms, output[i][j]));
            }
        }

        return new ConvolutionStepResponse(output, steps);
    }

    /// <summary>A rectangular matrix of 1..<paramref name="maxSide"/> rows and columns of finite numbers, or null with the error recorded.</summary>
    private static Matrix? Read(float[][]? values, string field, int maxSide, Dictionary<string, string[]> errors)
    {
        if (values is null)
        {
            errors[field] = ["is required: a list of rows, each a list of numbers, e.g. [[1,0],[0,-1]]."];
            return null;
        }

        if (values.Length == 0 || values.Length > maxSide)
        {
            errors[field] = [$"has {values.Length} rows; 1 to {maxSide} rows are accepted."];
            return null;
        }

        int cols = values[0]?.Length ?? 0;
        if (cols == 0 || cols > maxSide)
        {
            errors[$"{field}[0]"] = [$"has {cols} numbers; rows of 1 to {maxSide} numbers are accepted."];
            return null;
        }

        var matrix = new Matrix(values.Length, cols);
        for (int r = 0; r < values.Length; r++)
        {
            if (values[r] is not { } row || row.Length != cols)
            {
                errors[$"{field}[{r}]"] = [$"has {values[r]?.Length ?? 0} numbers but row 0 has {cols}: every row must have the same length."];
                return null;
            }

            for (int c = 0; c < cols; c++)
            {
                if (!float.IsFinite(row[c]))
                {
                    errors[$"{field}[{r}][{c}]"] = [$"must be a finite number, not {row[c].ToString(CultureInfo.InvariantCulture)}."];
                    return null;
                }

                matrix[r, c] = row[c];
            }
        }

        return matrix;
    }
}
