using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace DeepNet.EndToEnd.Tests;

/// <summary>
/// Assignments (issue 15, points 1 and 2) in three browsers: an instructor creates a class and publishes Homework 1 from
/// its template; two students join with the code, start a run from the assignment (2 epochs, their own hidden units),
/// submit it; the instructor's class view shows both with their per-class errors as one heat map and the curves
/// overlaid, comments on one, and the commented student reads it; the other student may not open the class view.
/// Screenshots: e2e15-assignments-*.png.
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait("Category", "Slow")]
public sealed class AssignmentsUiTests(EndToEndFixture fixture, ITestOutputHelper output)
{
    private const float TrainingTimeout = 180_000;

    [Fact]
    public async Task AnInstructorPublishesHomework1AndSeesBothStudentsSubmissionsSideBySide()
    {
        string suffix = Guid.NewGuid().ToString("N")[..8];
        string className = $"Homework class {suffix}";
        string[] students = [$"ada-{suffix}@example.com", $"bob-{suffix}@example.com"];
        var session = new BrowserSession(fixture, output, "assignments", "e2e15", $"instructor-{suffix}@example.com");
        await session.RunAsync(async page =>
        {
            // The instructor creates a class and publishes Homework 1 from the built-in template.
            await page.GotoAsync("/#/classes");
            await page.FillAsync("[data-testid=class-create-name]", className);
            await page.ClickAsync("[data-testid=class-create-submit]");
            var classItem = page.Locator("[data-testid=class-item]").Filter(new() { HasText = className });
            await Expect(classItem.Locator("[data-testid=class-code]")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[A-Z0-9]{8}$"));
            string code = (await classItem.Locator("[data-testid=class-code]").TextContentAsync())!.Trim();
            await classItem.Locator("[data-testid=class-assignments]").ClickAsync();
            await page.SelectOptionAsync("[data-testid=assignment-template]", "homework1");
            await Expect(page.Locator("[data-testid=assignment-title]")).ToHaveValueAsync("Homework 1 — train on digits 1–5, reconstruct every digit");
            // Instructions are Markdown shown as text: markup in them stays visible characters, never elements.
            string instructions = await page.InputValueAsync("[data-testid=assignment-instructions]");
            await page.FillAsync("[data-testid=assignment-instructions]", instructions + "\n\n<img src=x onerror=alert(1)> [a link](javascript:alert(2))");
            await page.ClickAsync("[data-testid=assignment-publish]");
            await Expect(page.Locator("[data-testid=assignment-heading]")).ToHaveTextAsync("Homework 1 — train on digits 1–5, reconstruct every digit");
            await Expect(page.Locator("[data-testid=assignment-instructions-view] strong").First).ToHaveTextAsync("1–5");
            await Expect(page.Locator("[data-testid=assignment-instructions-view]")).ToContainTextAsync("<img src=x onerror=alert(1)>");
            await Expect(page.Locator("[data-testid=assignment-instructions-view] img")).ToHaveCountAsync(0);
            await Expect(page.Locator("[data-testid=assignment-instructions-view] a")).ToHaveCountAsync(0);
            string assignmentUrl = page.Url[page.Url.IndexOf('#', StringComparison.Ordinal)..];

            // Two students join with the code, start a run from the assignment with their own hidden units, and submit it.
            int hidden = 16;
            foreach (string email in students)
            {
                IPage student = await fixture.NewPageAsync(email);
                try
                {
                    await student.GotoAsync("/#/classes");
                    await student.FillAsync("[data-testid=class-join-code]", code);
                    await student.ClickAsync("[data-testid=class-join-submit]");
                    var joined = student.Locator("[data-testid=class-item]").Filter(new() { HasText = className });
                    await joined.Locator("[data-testid=class-assignments]").ClickAsync();
                    await student.Locator("[data-testid=assignment-link]").First.ClickAsync();
                    await student.FillAsync("[data-testid=assignment-field][data-path='rbm.epochs']", "2");
                    await student.FillAsync("[data-testid=assignment-field][data-path='rbm.hiddenUnits']", hidden.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    await student.ClickAsync("[data-testid=assignment-start]");
                    var run = student.Locator("[data-testid=assignment-run]").First;
                    await Expect(run).ToHaveAttributeAsync("data-status", "Succeeded", new() { Timeout = TrainingTimeout });
                    await run.Locator("[data-testid=assignment-submit]").ClickAsync();
                    await Expect(student.Locator("[data-testid=assignment-submitted]")).ToHaveAttributeAsync("data-late", "false");
                    await Expect(run.Locator("[data-testid=assignment-submit]")).ToHaveTextAsync("Submitted");
                    if (email == students[0])
                    {
                        await session.ScreenshotAsync(student, "student");
                    }
                }
                finally
                {
                    await student.Context.CloseAsync();
                }

                hidden += 9;
            }

            // The instructor's class view: both submissions, their per-class errors as one heat map, the curves overlaid.
            await page.GotoAsync($"/{assignmentUrl}/class");
            await Expect(page.Locator("[data-testid=class-view-row]")).ToHaveCountAsync(2);
            await Expect(page.Locator("[data-testid=class-view-heat-row]")).ToHaveCountAsync(2);
            await Expect(page.Locator("[data-testid=class-view-heat-row] td")).ToHaveCountAsync(20);
            await Expect(page.Locator("[data-testid=class-view-heat-row] td.is-trained")).ToHaveCountAsync(10);
            var curves = page.Locator("[data-testid=class-view-curves]");
            await Expect(curves).ToHaveAttributeAsync("data-series", "2");
            await Expect(curves).ToHaveAttributeAsync("data-points", "2");
            await page.CheckAsync("[data-testid=class-view-log]");
            await Expect(curves).ToHaveAttributeAsync("data-scale", "log");
            await Expect(page.Locator("[data-testid=class-view-image] img")).ToHaveCountAsync(2);
            await Expect(page.Locator("[data-testid=class-view-image] img").Nth(1)).ToHaveJSPropertyAsync("complete", true);
            foreach (string email in students)
            {
                await Expect(page.Locator("[data-testid=class-view-table]")).ToContainTextAsync(EndToEndFixture.DisplayName(email));
            }

            await page.ClickAsync("[data-testid=class-view-sort][data-column='0']");
            await Expect(page.Locator("[data-testid=class-view-sort][data-column='0'] >> xpath=..")).ToHaveAttributeAsync("aria-sort", "ascending");
            var adaRow = page.Locator("[data-testid=class-view-row]").Filter(new() { HasText = EndToEndFixture.DisplayName(students[0]) });
            await adaRow.Locator("[data-testid=class-view-comment]").FillAsync("Look at digits 7 and 9.");
            await adaRow.Locator("[data-testid=class-view-comment-save]").ClickAsync();
            await Expect(adaRow).ToContainTextAsync("Saved.");
            await session.ScreenshotAsync(page, "class-view");

            // The submitted runs open on the compare page too: only the hidden units differ.
            await page.ClickAsync("[data-testid=class-view-compare]");
            await Expect(page.GetByTestId("compare-difference-row")).ToHaveCountAsync(1);
            await Expect(page.GetByTestId("compare-difference-row")).ToHaveAttributeAsync("data-setting", "rbm.hiddenUnits");

            // The comment is the first student's to read; the second may not open the class view.
            IPage ada = await fixture.NewPageAsync(students[0]);
            IPage bob = await fixture.NewPageAsync(students[1]);
            try
            {
                await ada.GotoAsync($"/{assignmentUrl}");
                await Expect(ada.Locator("[data-testid=assignment-comment]")).ToContainTextAsync("Look at digits 7 and 9.");
                await bob.GotoAsync($"/{assignmentUrl}");
                await Expect(bob.Locator("[data-testid=assignment-submitted]")).ToBeVisibleAsync();
                await Expect(bob.Locator("[data-testid=assignment-comment]")).ToHaveCountAsync(0);
                await Expect(bob.Locator("[data-testid=assignment-submission]")).Not.ToContainTextAsync("null");
                await bob.GotoAsync($"/{assignmentUrl}/class");
                await Expect(bob.Locator("[data-testid=class-view-error]")).ToContainTextAsync("Only the instructor");
                await Expect(bob.Locator("[data-testid=class-view-row]")).ToHaveCountAsync(0);
            }
            finally
            {
                await ada.Context.CloseAsync();
                await bob.Context.CloseAsync();
            }

            Assert.Empty(session.ConsoleErrors);
        });
    }
}
