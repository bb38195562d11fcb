using Maestro.Core.Errors;
using Maestro.Data.Connection;
using Npgsql;

namespace Maestro.Tests.Data;

public sealed class DatabaseUrlTests
{
    [Fact]
    public void Url_form_is_read_with_escaped_credentials_and_sslmode()
    {
        var b = DatabaseUrl.Parse("postgres://app%40corp:p%3Ass@db.example.com:6543/maestro?sslmode=require&application_name=m");

        b.Host.ShouldBe("db.example.com");
        b.Port.ShouldBe(6543);
        b.Database.ShouldBe("maestro");
        b.Username.ShouldBe("app@corp");
        b.Password.ShouldBe("p:ss");
        b.SslMode.ShouldBe(SslMode.Require);
        b.ApplicationName.ShouldBe("m");
    }

    [Fact]
    public void Postgresql_scheme_and_default_port_work()
    {
        var b = DatabaseUrl.Parse("postgresql://u@localhost/db");
        b.Port.ShouldBe(5432);
        b.Username.ShouldBe("u");
    }

    [Fact]
    public void Npgsql_form_is_accepted()
    {
        DatabaseUrl.Parse("Host=/tmp/sock;Port=5432;Username=maestro;Database=x").Database.ShouldBe("x");
    }

    [Theory]
    [InlineData("mysql://u:secretpw@h/db", "scheme")]
    [InlineData("postgres://u:secretpw@h", "names no database")]
    [InlineData("postgres://u:secretpw@h/db?sslmode=sometimes", "sslmode")]
    [InlineData("Hots=h;Password=secretpw", "")]
    [InlineData("   ", "empty")]
    public void Malformed_values_give_one_clear_line_without_the_password(string value, string expected)
    {
        var error = Should.Throw<MaestroException>(() => DatabaseUrl.Parse(value));

        error.Message.ShouldStartWith("DATABASE_URL is not a valid PostgreSQL URL or connection string");
        error.Message.ShouldContain(expected);
        error.Message.ShouldNotContain("secretpw");
        error.Hint!.ShouldContain("postgres://");
    }
}
