global using Maestro.Tests.Infrastructure;
global using Microsoft.Playwright;
global using Shouldly;
global using Xunit;
global using static Microsoft.Playwright.Assertions;
