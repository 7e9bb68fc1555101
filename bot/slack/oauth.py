"""OAuth distribution: Bolt's install flow and authorize, on citycheck's own database.

`GET /slack/install` sends the installer's browser to Slack's consent screen (with a one-time
`state`, also set as a cookie); Slack sends it back to
`GET /slack/oauth_redirect?code=...&state=...`, where Bolt checks the state, exchanges the code
(`oauth.v2.access`), stores the installation
and shows the page built here, which says what to do next. Every request from Slack is then
authorised with its workspace's bot token, read from the installation store (the `client`
Bolt injects carries it). Both paths are served by the same HTTP server as /slack/events.
"""

from __future__ import annotations

import html
import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from slack_bolt.authorization.authorize import InstallationStoreAuthorize
from slack_bolt.oauth.callback_options import CallbackOptions, FailureArgs, SuccessArgs
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_bolt.response import BoltResponse

from bot.i18n import Translator, translator
from bot.settings import OAUTH_REDIRECT_PATH
from bot.slack.client import DEFAULT_API_URL
from bot.slack.installations import InstalledClients, state_store

if TYPE_CHECKING:
    from bot.deps import Deps
    from bot.settings import Settings

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = OAUTH_REDIRECT_PATH
logger = logging.getLogger("citycheck.slack.oauth")


def authorization_url(settings: Settings) -> str:
    """Slack's consent screen beside the Web API in use (Slack, GovSlack, or the sandbox)."""
    api = urlsplit(settings.slack_api_url or DEFAULT_API_URL)
    return f"{api.scheme}://{api.netloc}/oauth/v2/authorize"


def install_url(redirect_uri: str | None) -> str | None:
    """The public address of /slack/install, when the redirect URI tells where the bot is."""
    if redirect_uri is None:
        return None
    return redirect_uri.rstrip("/").removesuffix(REDIRECT_PATH) + INSTALL_PATH


def app_options(deps: Deps) -> dict[str, Any]:
    """The keyword arguments of Bolt's `App` for OAuth mode: install flow and authorize."""
    settings = deps.settings
    installed = deps.team_clients
    if not isinstance(installed, InstalledClients) or deps.engine is None:
        raise RuntimeError("OAuth mode needs the database's installation store in Deps")
    assert settings.slack_client_id is not None and settings.slack_client_secret is not None
    secret = settings.slack_client_secret.get_secret_value()
    oauth = OAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=secret,
        scopes=settings.scopes,
        user_scopes=[],
        redirect_uri=settings.slack_redirect_uri,
        install_path=INSTALL_PATH,
        install_page_rendering_enabled=False,  # straight to Slack's consent screen
        redirect_uri_path=REDIRECT_PATH,
        authorization_url=authorization_url(settings),
        installation_store=installed.store,
        installation_store_bot_only=True,
        state_store=state_store(deps.engine),
        callback_options=CallbackOptions(success=_succeeded, failure=_failed),
        logger=logger,
    )
    authorize = InstallationStoreAuthorize(
        logger=logger,
        installation_store=installed.store,
        client_id=settings.slack_client_id,
        client_secret=secret,
        bot_only=True,
        cache_enabled=True,  # the token's auth.test answer, never the token: read every request
    )
    tr, public = translator(None), install_url(settings.slack_redirect_uri)
    refusal = (
        tr.gettext(
            "citycheck is not installed in this workspace any more. Ask a Slack admin to "
            "install it again from {url}; nothing your city saved was lost."
        ).format(url=public)
        if public
        else tr.gettext(
            "citycheck is not installed in this workspace any more. Ask a Slack admin to "
            "install it again; nothing your city saved was lost."
        )
    )
    return {
        "oauth_settings": oauth,
        "authorize": authorize,
        "installation_store_bot_only": True,
        "user_facing_authorize_error_message": refusal,
    }


def _page_translator(request: Any) -> Translator:
    accepted = (request.headers.get("accept-language") or [""])[0]
    return translator(accepted.split(",")[0].split(";")[0].strip() or None)


def _page(tr: Translator, title: str, paragraphs: list[str], status: int) -> BoltResponse:
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    document = (
        f'<!DOCTYPE html><html lang="{tr.lang}"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head><body><h1>{html.escape(title)}</h1>"
        f"{body}</body></html>"
    )
    return BoltResponse(
        status=status, body=document, headers={"Content-Type": "text/html; charset=utf-8"}
    )


def _succeeded(args: SuccessArgs) -> BoltResponse:
    installation = args.installation
    tr = _page_translator(args.request)
    team = installation.team_name or installation.team_id or ""
    logger.info("installed in team %s", installation.team_id)
    return _page(
        tr,
        tr.gettext("citycheck is installed"),
        [
            tr.gettext("citycheck is now installed in {team}.").format(team=team),
            tr.gettext(
                "Next, in Slack: open the channel where your city's assessment team works, "
                "invite @citycheck there, and type /citycheck setup to set up your city."
            ),
            tr.gettext(
                "Then /citycheck assign gives each practice area to the people who will answer "
                "it, and /citycheck help lists everything else. You can close this page."
            ),
        ],
        200,
    )


def _failed(args: FailureArgs) -> BoltResponse:
    tr = _page_translator(args.request)
    again = install_url(args.settings.redirect_uri) or INSTALL_PATH
    if args.reason == "access_denied":
        reason = tr.gettext("The installation was cancelled in Slack.")
    elif args.reason in ("invalid_state", "invalid_browser"):
        reason = tr.gettext(
            "This install link has expired or was opened in another browser than the one "
            "that started it."
        )
    else:
        reason = tr.gettext("Slack did not confirm the installation ({reason}).").format(
            reason=args.reason
        )
    logger.warning("an install did not finish: %s", args.reason)
    return _page(
        tr,
        tr.gettext("citycheck was not installed"),
        [
            reason,
            tr.gettext(
                "Start again from {url}. If it keeps failing, ask your Slack admin whether "
                "apps need their approval in this workspace."
            ).format(url=again),
        ],
        args.suggested_status_code,
    )
