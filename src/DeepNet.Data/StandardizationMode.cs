namespace DeepNet.Data;

/// <summary>How <see cref="PatchStandardizer"/> standardizes patches before the optional ZCA whitening.</summary>
public enum StandardizationMode
{
    /// <summary>Each pixel position has its own mean and standard deviation, fitted over the training patches.</summary>
    PerPixel,

    /// <summary>Each patch is centred on its own mean and divided by its own standard deviation (contrast normalization).</summary>
    PerPatch,
}
