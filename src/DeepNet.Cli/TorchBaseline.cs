using System.Diagnostics;
using System.Text.Json;

namespace DeepNet.Cli;

/// <summary>
/// Runs ../shared/bench/torch_baselines.py (the PyTorch CPU reference) as a child process under this process's environment
/// (OPENBLAS_CORETYPE and the rest are inherited unchanged, so both sides run the same BLAS configuration).
/// </summary>
public sealed class TorchBaseline
{
    public const string ScriptName = "torch_baselines.py";

    private readonly string _python;
    private readonly string _script;
    private readonly string? _dataDirectory;

    private TorchBaseline(string python, string script, string? dataDirectory)
    {
        _python = python;
        _script = script;
        _dataDirectory = dataDirectory;
    }

    public string Version { get; private init; } = "";

    /// <summary>
    /// The script (given, or shared/bench/torch_baselines.py in the nearest ancestor of the working directory) and a
    /// python3 that imports torch; null with the reason when either is missing.
    /// </summary>
    public static TorchBaseline? Find(string? script, out string reason)
    {
        script ??= Ancestors().Select(d => Path.Combine(d, "shared", "bench", ScriptName)).FirstOrDefault(File.Exists);
        if (script is null || !File.Exists(script))
        {
            reason = script is null ? $"shared/bench/{ScriptName} not found above {Environment.CurrentDirectory}" : $"{script} does not exist";
            return null;
        }

        // pyenv's python3 often lacks Debian's python3-torch, which lives with /usr/bin/python3.
        foreach (string python in new[] { "python3", "/usr/bin/python3" })
        {
            (int code, string output) = Execute(python, ["-c", "import torch; print(torch.__version__)"], TimeSpan.FromSeconds(60));
            if (code == 0)
            {
                string? data = Ancestors().Select(d => Path.Combine(d, "src", "DeepNet.Data", "Mnist"))
                    .FirstOrDefault(d => File.Exists(Path.Combine(d, "train-images-idx3-ubyte.gz")));
                reason = "";
                return new TorchBaseline(python, Path.GetFullPath(script), data) { Version = output.Trim() };
            }
        }

        reason = "python3 cannot import torch (apt-get install -y python3-torch)";
        return null;
    }

    /// <summary>
    /// Samples/s of one timed run of <paramref name="workload"/> over all 60,000 images (the script warms up once first,
    /// untimed; it has no limit, and a rate is comparable with a shorter run of ours).
    /// </summary>
    public double Run(string workload)
    {
        var args = new List<string> { _script, workload, "--repeat", "2" };
        if (_dataDirectory is not null)
        {
            args.AddRange(["--data", _dataDirectory]);
        }

        (int code, string output) = Execute(_python, args, TimeSpan.FromMinutes(10));
        string? line = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault(l => l.StartsWith('{'));
        if (code != 0 || line is null)
        {
            throw new InvalidOperationException($"{ScriptName} {workload} exited with {code}: {output.Trim()}");
        }

        using JsonDocument json = JsonDocument.Parse(line);
        return json.RootElement.GetProperty("samples_per_s").GetDouble();
    }

    private static IEnumerable<string> Ancestors()
    {
        for (DirectoryInfo? d = new(Environment.CurrentDirectory); d is not null; d = d.Parent)
        {
            yield return d.FullName;
        }
    }

    private static (int Code, string Output) Execute(string file, IEnumerable<string> args, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        try
        {
            using Process process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start.");
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                return (-1, $"timed out after {timeout}");
            }

            return (process.ExitCode, stdout.Result + stderr.Result);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message);
        }
    }
}
