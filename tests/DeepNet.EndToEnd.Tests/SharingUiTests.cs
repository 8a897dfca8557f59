using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DeepNet.Tests;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace DeepNet.EndToEnd.Tests;

/// <summary>
/// Issue 6 in two (three) browsers: a teacher shares a model with a class, a classmate who signs up in the browser joins
/// the class, finds the model in the gallery, tries it on a digit drawn with the mouse, downloads it, imports the file
/// and forks the model; an outsider gets "not found". Also: unlisted links (anonymous, rotate, revoke), a public classifier's
/// probabilities and a patch model's photo reconstruction. Screenshots: e2e6-sharing-*.png.
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait("Category", "Slow")]
public sealed partial class SharingUiTests(EndToEndFixture fixture, ITestOutputHelper output)
{
    private const string Prefix = "e2e6";
    private const float TrainingTimeout = 180_000;

    [Fact]
    public async Task AClassmateJoinsWithTheCodeFindsTheSharedModelInTheGalleryTriesADrawnDigitAndDownloadsIt()
    {
        string suffix = Guid.NewGuid().ToString("N")[..8];
        string teacherEmail = $"teacher-{suffix}@example.com";
        string studentEmail = $"student-{suffix}@example.com";
        string outsiderEmail = $"outsider-{suffix}@example.com";
        string modelName = $"Shared digits {suffix}";
        string className = $"Deep learning {suffix}";
        var pages = new List<(string Who, IPage Page, List<string> Errors)>();

        try
        {
            // ---------- A, the teacher: trains a tiny RBM over HTTP (with the page's cookies), opens its card ----------
            IPage teacher = await fixture.NewPageAsync(teacherEmail);
            var teacherErrors = Watch(teacher, "teacher", pages);
            Guid modelId = await TrainTinyModelAsync(teacher, modelName);

            await teacher.GotoAsync($"/#/models/{modelId}");
            await Expect(teacher.Locator("[data-testid=model-name]")).ToHaveTextAsync(modelName);
            // Others see the display name, never the e-mail.
            await Expect(teacher.Locator("[data-testid=model-owner]")).ToContainTextAsync(EndToEndFixture.DisplayName(teacherEmail));
            await Expect(teacher.Locator("[data-testid=model-owner]")).Not.ToContainTextAsync(teacherEmail);
            await Expect(teacher.Locator("[data-testid=model-visibility]")).ToHaveTextAsync("Private");
            await Expect(teacher.Locator("[data-testid=model-hyperparameters]")).ToContainTextAsync("hidden units");
            await Expect(teacher.Locator("[data-testid=model-data]")).ToContainTextAsync("MNIST");
            await Expect(teacher.Locator("[data-testid=model-history-chart]")).ToHaveAttributeAsync("data-points", "1");
            await teacher.FillAsync("[data-testid=model-edit-description]", "Sixteen hidden units, one epoch: blurry but recognisable.");
            await teacher.ClickAsync("[data-testid=model-save]");
            await Expect(teacher.Locator("[data-testid=model-save-status]")).ToHaveTextAsync("Saved.");

            // The teacher creates a class in the browser and reads its join code.
            await teacher.ClickAsync("[data-testid=nav-classes]");
            await teacher.FillAsync("[data-testid=class-create-name]", className);
            await teacher.ClickAsync("[data-testid=class-create-submit]");
            var classItem = teacher.Locator("[data-testid=class-item]").Filter(new() { HasText = className });
            await Expect(classItem.Locator("[data-testid=class-code]")).ToHaveTextAsync(JoinCode());
            string code = (await classItem.Locator("[data-testid=class-code]").TextContentAsync())!.Trim();
            await Expect(classItem.Locator("[data-testid=class-member]")).ToHaveCountAsync(1);

            // ... and shares the model with it.
            await teacher.GotoAsync($"/#/models/{modelId}");
            await teacher.CheckAsync("[data-testid=visibility-class]");
            await teacher.Locator("label.check").Filter(new() { HasText = className }).Locator("input").CheckAsync();
            await teacher.ClickAsync("[data-testid=visibility-save]");
            await Expect(teacher.Locator("[data-testid=model-visibility]")).ToHaveTextAsync("Shared with classes");
            await Expect(teacher.Locator("[data-testid=visibility-status]")).ToContainTextAsync("Saved");
            await Screenshot(teacher, "teacher-card");

            // ---------- B, the student: signs up in the browser, joins with the code, finds the model ----------
            IPage student = await fixture.NewAnonymousPageAsync();
            var studentErrors = Watch(student, "student", pages);
            await student.GotoAsync("/");
            await Expect(student.Locator("[data-testid=auth-view]")).ToBeVisibleAsync();
            await Expect(student.Locator("[data-testid=account]")).ToBeHiddenAsync();

            // Identity's password rules come back next to the password field.
            await student.FillAsync("[data-testid=signup-email]", studentEmail);
            await student.FillAsync("[data-testid=signup-display-name]", "Student \u202Egnp.exe");
            await student.FillAsync("[data-testid=signup-password]", "Classmate-2345");
            await student.ClickAsync("[data-testid=signup-submit]");
            await Expect(student.Locator("[data-testid=signup-display-name-error]")).ToContainTextAsync("text-direction overrides");
            await student.FillAsync("[data-testid=signup-display-name]", $"Student {suffix}");
            await student.FillAsync("[data-testid=signup-password]", "short");
            await student.ClickAsync("[data-testid=signup-submit]");
            await Expect(student.Locator("[data-testid=signup-password-error]")).ToContainTextAsync("at least");
            await Screenshot(student, "signup-errors");

            await student.FillAsync("[data-testid=signup-password]", "Classmate-2345");
            await student.ClickAsync("[data-testid=signup-submit]");
            await Expect(student.Locator("[data-testid=account-email]")).ToHaveTextAsync(studentEmail);
            await Expect(student.Locator("[data-testid=account-name]")).ToHaveTextAsync($"Student {suffix}");
            await Expect(student.Locator("[data-testid=auth-view]")).ToBeHiddenAsync();

            // The display name is the student's to change (the header's name button asks for a new one).
            void Rename(object? sender, IDialog dialog) => _ = dialog.AcceptAsync($"Student {suffix} B.");
            student.Dialog += Rename;
            await student.ClickAsync("[data-testid=account-name]");
            await Expect(student.Locator("[data-testid=account-name]")).ToHaveTextAsync($"Student {suffix} B.");
            student.Dialog -= Rename;

            // Sign out, a wrong password is refused in words, the right one signs in again.
            await student.ClickAsync("[data-testid=sign-out]");
            await Expect(student.Locator("[data-testid=auth-view]")).ToBeVisibleAsync();
            await student.FillAsync("[data-testid=signin-email]", studentEmail);
            await student.FillAsync("[data-testid=signin-password]", "Wrong-2345");
            await student.ClickAsync("[data-testid=signin-submit]");
            await Expect(student.Locator("[data-testid=signin-error]")).ToHaveTextAsync("The email or password is wrong.");
            await student.FillAsync("[data-testid=signin-password]", "Classmate-2345");
            await student.ClickAsync("[data-testid=signin-submit]");
            await Expect(student.Locator("[data-testid=account-email]")).ToHaveTextAsync(studentEmail);

            // Before joining, the model is nowhere in the student's gallery.
            await student.ClickAsync("[data-testid=nav-gallery]");
            await student.ClickAsync("[data-testid=gallery-tab-classes]");
            await Expect(student.Locator("[data-testid=gallery-status]")).ToContainTextAsync("0 models");

            // Codes are case-insensitive: type it in lower case with spaces around.
            await student.ClickAsync("[data-testid=nav-classes]");
            await student.FillAsync("[data-testid=class-join-code]", "nothing1");
            await student.ClickAsync("[data-testid=class-join-submit]");
            await Expect(student.Locator("[data-testid=class-join-error]")).ToContainTextAsync("join code");
            await student.FillAsync("[data-testid=class-join-code]", $"  {code.ToLowerInvariant()} ");
            await student.ClickAsync("[data-testid=class-join-submit]");
            await Expect(student.Locator("[data-testid=class-join-error]")).ToBeEmptyAsync();
            var joined = student.Locator("[data-testid=class-item]").Filter(new() { HasText = className });
            await Expect(joined).ToHaveAttributeAsync("data-role", "member");
            await Expect(joined).ToContainTextAsync(EndToEndFixture.DisplayName(teacherEmail));
            await Expect(joined).Not.ToContainTextAsync(teacherEmail);
            await Expect(joined.Locator("[data-testid=class-code]")).ToHaveCountAsync(0);

            // The student queues a long job; the instructor sees it in the class's queue, under the student's name.
            IAPIResponse queued = await student.APIRequest.PostAsync("api/jobs", new()
            {
                DataObject = new { name = $"queued {suffix}", rbm = new { hiddenUnits = 25, batchSize = 10, epochs = 1000 } },
                Headers = fixture.OwnOrigin,
            });
            Assert.True(queued.Ok, $"POST api/jobs answered {queued.Status}: {await queued.TextAsync()}");
            string queuedId = JsonDocument.Parse(await queued.TextAsync()).RootElement.GetProperty("id").GetString()!;
            await teacher.ClickAsync("[data-testid=nav-classes]");
            var teacherClass = teacher.Locator("[data-testid=class-item]").Filter(new() { HasText = className });
            await teacherClass.Locator("[data-testid=class-show-queue]").ClickAsync();
            var queueRow = teacherClass.Locator("[data-testid=class-queue-job]").Filter(new() { HasText = $"queued {suffix}" });
            await Expect(queueRow).ToHaveCountAsync(1);
            await Expect(queueRow).ToContainTextAsync($"Student {suffix} B.");
            await Screenshot(teacher, "class-queue");
            Assert.True((await student.APIRequest.PostAsync($"api/jobs/{queuedId}/cancel", new() { Headers = fixture.OwnOrigin })).Ok);

            await student.ClickAsync("[data-testid=nav-gallery]");
            await student.ClickAsync("[data-testid=gallery-tab-classes]");
            var card = student.Locator("[data-testid=gallery-card]").Filter(new() { HasText = modelName });
            await Expect(card).ToHaveCountAsync(1);
            await Expect(card).ToContainTextAsync(EndToEndFixture.DisplayName(teacherEmail));
            await Expect(card).Not.ToContainTextAsync(teacherEmail);
            await Expect(card).ToContainTextAsync("reconstruction error");
            await Screenshot(student, "gallery");
            await card.Locator("[data-testid=gallery-card-link]").ClickAsync();

            await Expect(student.Locator("[data-testid=model-name]")).ToHaveTextAsync(modelName);
            await Expect(student.Locator("[data-testid=model-description]")).ToContainTextAsync("Sixteen hidden units");
            await Expect(student.Locator("[data-testid=model-sharing]")).ToBeHiddenAsync();
            await Expect(student.Locator("[data-testid=model-edit-description]")).ToHaveCountAsync(0);

            // Draws a 7 with the mouse: a bar across the top, then a stroke down to the bottom left.
            var canvas = (await student.Locator("[data-testid=try-canvas]").BoundingBoxAsync())!;
            float X(float fraction) => canvas.X + (canvas.Width * fraction);
            float Y(float fraction) => canvas.Y + (canvas.Height * fraction);
            await student.Mouse.MoveAsync(X(0.25f), Y(0.25f));
            await student.Mouse.DownAsync();
            await student.Mouse.MoveAsync(X(0.72f), Y(0.25f), new() { Steps = 10 });
            await student.Mouse.MoveAsync(X(0.42f), Y(0.8f), new() { Steps = 12 });
            await student.Mouse.UpAsync();
            await Expect(student.Locator("[data-testid=try-status]")).ToHaveTextAsync("Reconstructed.");
            await Expect(student.Locator("[data-testid=try-reconstruction]")).Not.ToHaveAttributeAsync("data-ink", "0");
            await Expect(student.Locator("[data-testid=try-error]")).ToBeHiddenAsync();
            // An RBM reconstructs and does not classify.
            await Expect(student.Locator("[data-testid=try-probabilities]")).ToBeHiddenAsync();
            await Screenshot(student, "try");

            // The download is the safetensors file: an 8-byte header length, then the JSON header with the metadata.
            IDownload download = await student.RunAndWaitForDownloadAsync(() => student.ClickAsync("[data-testid=model-download]"));
            Assert.EndsWith(".safetensors", download.SuggestedFilename, StringComparison.Ordinal);
            string path = Path.Combine(Path.GetTempPath(), $"{Prefix}-sharing-{suffix}.safetensors");
            await download.SaveAsAsync(path);
            byte[] file = await File.ReadAllBytesAsync(path);
            File.Delete(path);
            JsonObject header = SafeTensorsTestFile.Parse(file).Header;
            Assert.True(header.ContainsKey("__metadata__"));
            Assert.True(header.ContainsKey("weights"));

            // The classmate imports the downloaded file as a model of their own; a file that is not one is refused with the reason.
            await student.GotoAsync("/#/models");
            await student.SetInputFilesAsync("[data-testid=import-file]", new FilePayload
            {
                Name = "notes.safetensors",
                MimeType = "application/octet-stream",
                Buffer = "not a model at all"u8.ToArray(),
            });
            await student.ClickAsync("[data-testid=import-submit]");
            await Expect(student.Locator("[data-testid=import-error]")).Not.ToBeEmptyAsync();
            await Screenshot(student, "import-refused");
            await student.SetInputFilesAsync("[data-testid=import-file]", new FilePayload
            {
                Name = "shared.safetensors",
                MimeType = "application/octet-stream",
                Buffer = file,
            });
            await student.FillAsync("[data-testid=import-name]", $"My copy {suffix}");
            await student.ClickAsync("[data-testid=import-submit]");
            await Expect(student.Locator("[data-testid=model-name]")).ToHaveTextAsync($"My copy {suffix}");
            await Expect(student.Locator("[data-testid=model-owner]")).ToContainTextAsync($"Student {suffix} B.");
            await Expect(student.Locator("[data-testid=model-provenance]")).ToContainTextAsync(modelName);
            await Expect(student.Locator("[data-testid=model-visibility]")).ToHaveTextAsync("Private");

            // ... and builds on the shared model: the server's 400 lands next to the epochs field, then a fork trains.
            await student.GotoAsync($"/#/models/{modelId}");
            await student.FillAsync("[data-testid=fork-epochs]", "0");
            await student.ClickAsync("[data-testid=fork-continue]");
            await Expect(student.Locator("[data-testid=fork-epochs-error]")).Not.ToBeEmptyAsync();
            await student.FillAsync("[data-testid=fork-epochs]", "1");
            await student.FillAsync("[data-testid=fork-name]", $"Fork {suffix}");
            await student.ClickAsync("[data-testid=fork-continue]");
            await Expect(student).ToHaveURLAsync(new Regex("#/jobs/[0-9a-fA-F-]{36}$"));
            await Expect(student.Locator("[data-testid=job-status]")).ToHaveTextAsync("Succeeded", new() { Timeout = TrainingTimeout });

            Assert.Empty(Unexpected(teacherErrors));
            Assert.Empty(Unexpected(studentErrors));

            // ---------- C, not in the class: the model does not exist for them ----------
            IPage outsider = await fixture.NewPageAsync(outsiderEmail);
            Watch(outsider, "outsider", pages);
            await outsider.GotoAsync($"/#/models/{modelId}");
            await Expect(outsider.Locator("[data-testid=model-not-found]")).ToBeVisibleAsync();
            await Expect(outsider.Locator("[data-testid=model-not-found] h1")).ToHaveTextAsync("Model not found");
            await Expect(outsider.Locator("[data-testid=model-name]")).ToHaveCountAsync(0);
            await outsider.ClickAsync("[data-testid=nav-gallery]");
            await outsider.ClickAsync("[data-testid=gallery-tab-classes]");
            await Expect(outsider.Locator("[data-testid=gallery-status]")).ToContainTextAsync("0 models");
            await Screenshot(outsider, "outsider");
        }
        catch (Exception failure)
        {
            foreach (var (who, page, _) in pages)
            {
                try
                {
                    await Screenshot(page, $"{who}-failure");
                }
                catch (PlaywrightException)
                {
                    output.WriteLine($"(no screenshot of {who})");
                }
            }

            output.WriteLine("Server log (most recent lines):");
            output.WriteLine(fixture.Server.RecentOutput);
            throw new InvalidOperationException($"{failure.Message}{Environment.NewLine}Screenshots: {Path.GetTempPath()}{Prefix}-sharing-*-failure.png", failure);
        }
        finally
        {
            foreach (var (_, page, _) in pages)
            {
                await page.Context.CloseAsync();
            }
        }
    }

    [Fact]
    public async Task AnUnlistedLinkOpensTheCardWithoutAnAccountUntilTheOwnerRotatesIt()
    {
        string suffix = Guid.NewGuid().ToString("N")[..8];
        var pages = new List<(string Who, IPage Page, List<string> Errors)>();
        try
        {
            IPage owner = await fixture.NewPageAsync($"owner-{suffix}@example.com");
            Watch(owner, "owner", pages);
            string modelName = $"Linked digits {suffix}";
            Guid modelId = await TrainTinyModelAsync(owner, modelName);

            await owner.GotoAsync($"/#/models/{modelId}");
            await owner.CheckAsync("[data-testid=visibility-unlisted]");
            await owner.ClickAsync("[data-testid=visibility-save]");
            await Expect(owner.Locator("[data-testid=model-visibility]")).ToHaveTextAsync("Unlisted link");
            var link = owner.Locator("[data-testid=share-link]");
            await Expect(link).ToHaveValueAsync(new Regex(@"#/shared/[A-Za-z0-9_-]{20,}$"));
            string firstLink = await link.InputValueAsync();
            await Screenshot(owner, "unlisted-owner");

            // Anyone with the link: no account, no sign-in screen, the card read-only, Try it works.
            IPage stranger = await fixture.NewAnonymousPageAsync();
            var strangerErrors = Watch(stranger, "stranger", pages);
            await stranger.GotoAsync(firstLink);
            await Expect(stranger.Locator("[data-testid=model-name]")).ToHaveTextAsync(modelName);
            await Expect(stranger.Locator("[data-testid=auth-view]")).ToBeHiddenAsync();
            await Expect(stranger.Locator("[data-testid=sign-in-link]")).ToBeVisibleAsync();
            await Expect(stranger.Locator("[data-testid=model-sharing]")).ToBeHiddenAsync();
            await Expect(stranger.Locator("[data-testid=model-fork]")).ToBeHiddenAsync();
            var canvas = (await stranger.Locator("[data-testid=try-canvas]").BoundingBoxAsync())!;
            await stranger.Mouse.MoveAsync(canvas.X + (canvas.Width * 0.5f), canvas.Y + (canvas.Height * 0.2f));
            await stranger.Mouse.DownAsync();
            await stranger.Mouse.MoveAsync(canvas.X + (canvas.Width * 0.5f), canvas.Y + (canvas.Height * 0.8f), new() { Steps = 12 });
            await stranger.Mouse.UpAsync();
            await Expect(stranger.Locator("[data-testid=try-reconstruction]")).Not.ToHaveAttributeAsync("data-ink", "0");
            await Screenshot(stranger, "unlisted-stranger");
            Assert.Empty(Unexpected(strangerErrors));

            // A new link: the old one leads nowhere.
            await owner.ClickAsync("[data-testid=share-link-rotate]");
            await Expect(owner.Locator("[data-testid=share-link]")).Not.ToHaveValueAsync(firstLink);
            await stranger.ReloadAsync();
            await Expect(stranger.Locator("[data-testid=model-not-found]")).ToBeVisibleAsync();

            // Revoked: the model is private again.
            await owner.ClickAsync("[data-testid=share-link-revoke]");
            await Expect(owner.Locator("[data-testid=model-visibility]")).ToHaveTextAsync("Private");
            await Expect(owner.Locator("[data-testid=share-link]")).ToHaveCountAsync(0);
        }
        catch (Exception failure)
        {
            foreach (var (who, page, _) in pages)
            {
                try
                {
                    await Screenshot(page, $"{who}-failure");
                }
                catch (PlaywrightException)
                {
                    output.WriteLine($"(no screenshot of {who})");
                }
            }

            output.WriteLine(fixture.Server.RecentOutput);
            throw new InvalidOperationException($"{failure.Message}{Environment.NewLine}Screenshots: {Path.GetTempPath()}{Prefix}-sharing-*-failure.png", failure);
        }
        finally
        {
            foreach (var (_, page, _) in pages)
            {
                await page.Context.CloseAsync();
            }
        }
    }

    [Fact]
    public async Task APublicClassifierShowsClassProbabilitiesAndAPublicPatchModelReconstructsAnUploadedPhoto()
    {
        string suffix = Guid.NewGuid().ToString("N")[..8];
        var pages = new List<(string Who, IPage Page, List<string> Errors)>();
        try
        {
            // The owner trains a tiny CNN and a tiny patch RBM over HTTP and makes both public.
            IPage owner = await fixture.NewPageAsync($"publisher-{suffix}@example.com");
            Watch(owner, "publisher", pages);
            Guid cnnId = await TrainAsync(owner, new
            {
                kind = "cnn",
                name = $"Tiny LeNet {suffix}",
                data = new { limit = 400, imageSize = 16 },
                cnn = new { preset = "small", epochs = 1, batchSize = 20, learningRate = 0.003, validation = 100, testLimit = 200, seed = 5 },
            });
            Guid patchId = await TrainAsync(owner, new
            {
                kind = "rbm-patches",
                name = $"Cat patches {suffix}",
                rbm = new { hiddenUnits = 16, epochs = 1, batchSize = 50, learningRate = 0.01 },
                patches = new { trainImage = "builtin:chelsea", testImage = "builtin:coffee", patchSize = 8, patchCount = 1000, stride = 4 },
            });
            foreach (Guid id in new[] { cnnId, patchId })
            {
                IAPIResponse made = await owner.APIRequest.PutAsync($"api/models/{id}/visibility", new() { DataObject = new { visibility = "public" }, Headers = fixture.OwnOrigin });
                Assert.True(made.Ok, $"PUT visibility answered {made.Status}: {await made.TextAsync()}");
            }

            IPage viewer = await fixture.NewPageAsync($"viewer-{suffix}@example.com");
            var viewerErrors = Watch(viewer, "viewer", pages);
            await viewer.GotoAsync("/#/gallery");
            await viewer.ClickAsync("[data-testid=gallery-tab-public]");
            await viewer.SelectOptionAsync("[data-testid=gallery-type]", "cnn");
            await viewer.FillAsync("[data-testid=gallery-search]", suffix);
            var cnnCard = viewer.Locator("[data-testid=gallery-card]");
            await Expect(cnnCard).ToHaveCountAsync(1);
            await Expect(cnnCard).ToHaveAttributeAsync("data-kind", "cnn");
            await Expect(cnnCard.Locator("[data-testid=gallery-card-metric]")).ToContainTextAsync("test error");
            await cnnCard.Locator("[data-testid=gallery-card-link]").ClickAsync();
            await Expect(viewer.Locator("[data-testid=model-name]")).ToHaveTextAsync($"Tiny LeNet {suffix}");

            // A 1 drawn with the mouse: ten bars, one prediction; a CNN has no reconstruction.
            var canvas = (await viewer.Locator("[data-testid=try-canvas]").BoundingBoxAsync())!;
            await viewer.Mouse.MoveAsync(canvas.X + (canvas.Width * 0.5f), canvas.Y + (canvas.Height * 0.2f));
            await viewer.Mouse.DownAsync();
            await viewer.Mouse.MoveAsync(canvas.X + (canvas.Width * 0.52f), canvas.Y + (canvas.Height * 0.8f), new() { Steps = 12 });
            await viewer.Mouse.UpAsync();
            await Expect(viewer.Locator("[data-testid=try-probability]")).ToHaveCountAsync(10);
            await Expect(viewer.Locator("[data-testid=try-predicted]")).ToHaveTextAsync(new Regex(@"^Prediction: \d$"));
            await Expect(viewer.Locator("[data-testid=try-status]")).ToHaveTextAsync(new Regex(@"^The model reads a \d\.$"));
            await Expect(viewer.Locator("[data-testid=try-reconstruction]")).ToBeHiddenAsync();
            double total = await viewer.Locator("[data-testid=try-probability]")
                .EvaluateAllAsync<double>("items => items.reduce((sum, item) => sum + Number(item.dataset.p), 0)");
            Assert.InRange(total, 0.99, 1.01);
            await Screenshot(viewer, "classifier");

            // The patch model takes a photo instead of a drawing.
            IAPIResponse photo = await viewer.APIRequest.GetAsync("api/images/builtin:coffee");
            Assert.True(photo.Ok, $"GET the built-in photo answered {photo.Status}");
            await viewer.GotoAsync($"/#/models/{patchId}");
            await Expect(viewer.Locator("[data-testid=model-kind]")).ToHaveTextAsync("RBM (image patches)");
            await Expect(viewer.Locator("[data-testid=try-canvas]")).ToHaveCountAsync(0);
            await viewer.SetInputFilesAsync("[data-testid=try-image-file]", new FilePayload
            {
                Name = "coffee.png",
                MimeType = "image/png",
                Buffer = await photo.BodyAsync(),
            });
            await Expect(viewer.Locator("[data-testid=try-status]")).ToHaveTextAsync("Reconstructed.");
            await viewer.WaitForFunctionAsync("() => { const img = document.querySelector('[data-testid=try-image-result]'); return !!img && !img.hidden && img.complete && img.naturalWidth > 0; }");
            await Screenshot(viewer, "patches");
            Assert.Empty(Unexpected(viewerErrors));
        }
        catch (Exception failure)
        {
            foreach (var (who, page, _) in pages)
            {
                try
                {
                    await Screenshot(page, $"{who}-failure");
                }
                catch (PlaywrightException)
                {
                    output.WriteLine($"(no screenshot of {who})");
                }
            }

            output.WriteLine(fixture.Server.RecentOutput);
            throw new InvalidOperationException($"{failure.Message}{Environment.NewLine}Screenshots: {Path.GetTempPath()}{Prefix}-sharing-*-failure.png", failure);
        }
        finally
        {
            foreach (var (_, page, _) in pages)
            {
                await page.Context.CloseAsync();
            }
        }
    }

    /// <summary>Trains a 784–16 RBM on 300 binarized digits for one epoch over HTTP, as the page's user; returns the model id.</summary>
    private Task<Guid> TrainTinyModelAsync(IPage page, string name) => TrainAsync(page, new
    {
        name,
        rbm = new { hiddenUnits = 16, epochs = 1, batchSize = 20, learningRate = 0.1, seed = 5 },
        data = new { dataset = "mnist", split = "train", limit = 300, imageSize = 28, binarizeThreshold = 0.5 },
    });

    /// <summary>Submits a job over HTTP with the page's cookies and waits until it succeeds; returns the model id.</summary>
    private async Task<Guid> TrainAsync(IPage page, object request)
    {
        IAPIResponse created = await page.APIRequest.PostAsync("api/jobs", new() { DataObject = request, Headers = fixture.OwnOrigin });
        string body = await created.TextAsync();
        Assert.True(created.Ok, $"POST api/jobs answered {created.Status}: {body}");
        string jobId = JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;

        return await EndToEndFixture.WaitForModelAsync(jobId, async () => await (await page.APIRequest.GetAsync($"api/jobs/{jobId}")).TextAsync());
    }

    private List<string> Watch(IPage page, string who, List<(string Who, IPage Page, List<string> Errors)> pages)
    {
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            output.WriteLine($"[{who} console.{message.Type}] {message.Text}");
            if (message.Type == "error")
            {
                lock (errors)
                {
                    errors.Add(message.Text);
                }
            }
        };
        page.PageError += (_, error) =>
        {
            output.WriteLine($"[{who} pageerror] {error}");
            lock (errors)
            {
                errors.Add($"uncaught: {error}");
            }
        };
        pages.Add((who, page, errors));
        return errors;
    }

    /// <summary>Console errors other than the browser's own notes on refused requests (401 before signing in, 400 shown to the user, 404 of a hidden model).</summary>
    private static List<string> Unexpected(List<string> errors)
    {
        lock (errors)
        {
            return errors.Where(e => !RefusedRequest().IsMatch(e)).ToList();
        }
    }

    private async Task Screenshot(IPage page, string shot)
    {
        string path = BrowserSession.ScreenshotPath($"sharing-{shot}", Prefix);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        output.WriteLine($"Screenshot: {path}");
    }

    [GeneratedRegex("^[A-Z2-9]{8}$")]
    private static partial Regex JoinCode();

    [GeneratedRegex(@"Failed to load resource: the server responded with a status of (400|401|404)")]
    private static partial Regex RefusedRequest();
}
