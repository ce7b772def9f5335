"""`onrecord serve`: the web UI and JSON API, registered on the main group by `register(group)`."""

from __future__ import annotations

import click

from onrecord.errors import OnrecordError

__all__ = ["register", "serve_command"]


@click.command("serve")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; anything but loopback requires the setting web_token.",
)
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True)
@click.pass_context
def serve_command(ctx: click.Context, host: str, port: int) -> None:
    """Serve the web UI (findings, sources, item history with diffs) and the JSON API under /api/."""
    from onrecord.cli import _app

    serve(_app(ctx.find_root()), host, port)


def serve(core: object, host: str, port: int) -> None:
    import uvicorn

    from onrecord.web.app import create_app
    from onrecord.web.security import is_loopback

    token_secret = getattr(core.settings, "web_token", None)  # type: ignore[attr-defined]
    token = token_secret.get_secret_value() if token_secret else None
    if not is_loopback(host) and not token:
        raise OnrecordError(f"serving on {host} needs an access token: set web_token (ONRECORD_WEB_TOKEN)")
    app = create_app(core, bind_host=host, token=token)  # type: ignore[arg-type]
    click.echo(f"onrecord serving on http://{host}:{port}/ (Ctrl-C stops)")
    uvicorn.run(app, host=host, port=port, log_level="warning")


def register(group: click.Group) -> None:
    group.add_command(serve_command)
