using System.Diagnostics;
using System.Globalization;
using DeepNet.Models;

namespace DeepNet.Server.Tests.Sharing;

/// <summary>A fact that runs only where a python3 with numpy exists (on PATH or /usr/bin); skipped with the reason otherwise.</summary>
public sealed class PythonWithNumpyFactAttribute : FactAttribute
{
    public PythonWithNumpyFactAttribute()
    {
        if (PythonWithNumpy.Interpreter is null)
        {
            Skip = "python3 with numpy is not installed (apt-get install -y python3-numpy); docs/python/load_rbm.py is not tested.";
        }
    }
}

public static class PythonWithNumpy
{
    private static readonly Lazy<string?> _interpreter = new(Find);

    /// <summary>The first of "python3" (PATH) and /usr/bin/python3 that imports numpy, or null.</summary>
    public static string? Interpreter => _interpreter.Value;

    public static (int ExitCode, string Output, string Error) Run(string interpreter, params string[] arguments)
    {
        var start = new ProcessStartInfo(interpreter) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{interpreter} {string.Join(' ', arguments)} ran longer than a minute.");
        }

        return (process.ExitCode, output.Result, error.Result);
    }

    private static string? Find()
    {
        foreach (string candidate in new[] { "python3", "/usr/bin/python3" })
        {
            try
            {
                if (Run(candidate, "-c", "import numpy").ExitCode == 0)
                {
                    return candidate;
                }
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or TimeoutException)
            {
                // Not installed here; try the next one.
            }
        }

        return null;
    }
}

[Collection(ModelExchangeCollection.Name)]
public sealed class ModelExchangePythonTests(ModelExchangeFixture models)
{
    private static string LoaderPath()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, "docs", "python", "load_rbm.py");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("docs/python/load_rbm.py not found above " + AppContext.BaseDirectory);
    }

    [PythonWithNumpyFact]
    public async Task ThePythonLoaderReconstructsADigitFromADownloadedRbmAsTheServerDoes()
    {
        byte[] file = await models.Owner.Client.DownloadAsync(models.Rbm);
        var digits = TrainedModels.TestDigits(1, imageSize: 16, classes: [2]);
        float[] digit = digits.Features.Row(0).ToArray();
        string directory = Directory.CreateDirectory(Path.Combine(models.App.DataDirectory, "python")).FullName;
        string modelPath = Path.Combine(directory, "digits.safetensors");
        string inputPath = Path.Combine(directory, "digit.txt");
        await File.WriteAllBytesAsync(modelPath, file);
        await File.WriteAllTextAsync(inputPath, string.Join(' ', digit.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));

        (int exitCode, string output, string error) = PythonWithNumpy.Run(PythonWithNumpy.Interpreter!, LoaderPath(), modelPath, "--input", inputPath, "--values");

        Assert.True(exitCode == 0, $"load_rbm.py failed ({exitCode}): {error}{output}");
        Assert.Contains("RBM 256-16, 16x16, Bernoulli", output);
        Assert.Contains($"author {models.Owner.DisplayName}, checksum ok", output);
        string values = output.Split('\n').Single(l => l.StartsWith("values: ", StringComparison.Ordinal))["values: ".Length..];
        float[] fromPython = [.. values.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => float.Parse(v, CultureInfo.InvariantCulture))];

        (Rbm rbm, _) = RbmModelFile.Load(file);
        var hidden = new float[rbm.HiddenUnits];
        var expected = new float[rbm.VisibleUnits];
        rbm.HiddenProbabilities(digit, 1, hidden);
        rbm.VisibleProbabilities(hidden, 1, expected);
        Assert.Equal(expected.Length, fromPython.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - fromPython[i]) < 1e-4, $"pixel {i}: server {expected[i]}, python {fromPython[i]}");
        }
    }

    [PythonWithNumpyFact]
    public async Task ThePythonLoaderRefusesADamagedFile()
    {
        byte[] file = DeepNet.Tests.SafeTensorsTestFile.Rewrite(await models.Owner.Client.DownloadAsync(models.Rbm), editData: DeepNet.Tests.SafeTensorsTestFile.SetFloat(0, 5f), fixChecksum: false);
        string path = Path.Combine(Directory.CreateDirectory(Path.Combine(models.App.DataDirectory, "python")).FullName, "damaged.safetensors");
        await File.WriteAllBytesAsync(path, file);

        (int exitCode, _, string error) = PythonWithNumpy.Run(PythonWithNumpy.Interpreter!, LoaderPath(), path);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("checksum mismatch", error);
    }
}
