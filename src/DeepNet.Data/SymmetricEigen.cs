namespace DeepNet.Data;

/// <summary>Eigen-decomposition of a real symmetric matrix by the cyclic Jacobi method, in double precision.</summary>
internal static class SymmetricEigen
{
    private const int MaxSweeps = 100;

    /// <summary>
    /// Decomposes A = V·diag(λ)·Vᵀ.
    /// </summary>
    /// <param name="matrix">n × n symmetric, row-major; destroyed (left nearly diagonal).</param>
    /// <param name="eigenvalues">n eigenvalues, unsorted.</param>
    /// <param name="eigenvectors">n × n row-major; column j is the unit eigenvector of eigenvalue j.</param>
    public static void Decompose(double[] matrix, int n, double[] eigenvalues, double[] eigenvectors)
    {
        if (matrix.Length != n * n || eigenvectors.Length != n * n || eigenvalues.Length != n)
        {
            throw new ArgumentException($"Expected a {n}×{n} matrix, {n} eigenvalues and a {n}×{n} eigenvector matrix.");
        }

        Array.Clear(eigenvectors);
        for (int i = 0; i < n; i++)
        {
            eigenvectors[i * n + i] = 1.0;
        }

        double scale = 0;
        foreach (double value in matrix)
        {
            scale += value * value;
        }

        for (int sweep = 0; sweep < MaxSweeps; sweep++)
        {
            double off = 0;
            for (int p = 0; p < n; p++)
            {
                for (int q = p + 1; q < n; q++)
                {
                    off += matrix[p * n + q] * matrix[p * n + q];
                }
            }

            if (off <= 1e-30 * scale || off == 0)
            {
                break;
            }

            for (int p = 0; p < n - 1; p++)
            {
                for (int q = p + 1; q < n; q++)
                {
                    double apq = matrix[p * n + q];
                    if (Math.Abs(apq) < 1e-300)
                    {
                        continue;
                    }

                    double theta = (matrix[q * n + q] - matrix[p * n + p]) / (2 * apq);
                    double t = (theta >= 0 ? 1.0 : -1.0) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                    double c = 1 / Math.Sqrt(t * t + 1);
                    double s = t * c;
                    Rotate(matrix, n, p, q, c, s);
                    matrix[p * n + q] = 0;
                    matrix[q * n + p] = 0;
                    RotateColumns(eigenvectors, n, p, q, c, s);
                }
            }
        }

        for (int i = 0; i < n; i++)
        {
            eigenvalues[i] = matrix[i * n + i];
        }
    }

    // A ← Jᵀ·A·J with J the rotation in the (p, q) plane: columns first, then rows.
    private static void Rotate(double[] a, int n, int p, int q, double c, double s)
    {
        RotateColumns(a, n, p, q, c, s);
        Span<double> rowP = a.AsSpan(p * n, n);
        Span<double> rowQ = a.AsSpan(q * n, n);
        for (int k = 0; k < n; k++)
        {
            double x = rowP[k];
            double y = rowQ[k];
            rowP[k] = c * x - s * y;
            rowQ[k] = s * x + c * y;
        }
    }

    private static void RotateColumns(double[] a, int n, int p, int q, double c, double s)
    {
        for (int k = 0; k < n; k++)
        {
            double x = a[k * n + p];
            double y = a[k * n + q];
            a[k * n + p] = c * x - s * y;
            a[k * n + q] = s * x + c * y;
        }
    }
}
