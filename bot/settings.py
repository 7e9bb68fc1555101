"""Settings from the environment (and an optional `.env`), read once by the command line.

Nothing here runs at import time: `load_settings()` builds a `Settings` and turns any invalid or
missing value into a `SettingsError` with one line naming the setting and what to do.
Secrets are `SecretStr`, so they print as `**********` in logs, reprs and error messages.
"""

from __future__ import annotations

import re
from datetime import time
from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///citycheck.db"
DEFAULT_SCOPES = (
    "commands,chat:write,im:history,im:write,users:read,files:write,dnd:read,users.profile:read,"
    "mpim:write"
)
"""The bot scopes of app.yaml: what an OAuth install asks each workspace for."""
OAUTH_REDIRECT_PATH = "/slack/oauth_redirect"


class SettingsError(Exception):
    """A setting is missing or malformed; the message is one line a person can act on."""


class Settings(BaseSettings):
    """Everything the bot reads from its environment."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    slack_bot_token: SecretStr | None = Field(default=None, alias="SLACK_BOT_TOKEN")
    slack_signing_secret: SecretStr | None = Field(default=None, alias="SLACK_SIGNING_SECRET")
    slack_app_token: SecretStr | None = Field(default=None, alias="SLACK_APP_TOKEN")
    slack_api_url: str | None = Field(default=None, alias="SLACK_API_URL")
    slack_client_id: str | None = Field(default=None, alias="SLACK_CLIENT_ID")
    slack_client_secret: SecretStr | None = Field(default=None, alias="SLACK_CLIENT_SECRET")
    slack_scopes: str = Field(default=DEFAULT_SCOPES, alias="SLACK_SCOPES")
    slack_redirect_uri: str | None = Field(default=None, alias="SLACK_REDIRECT_URI")
    database_url: SecretStr = Field(default=SecretStr(DEFAULT_DATABASE_URL), alias="DATABASE_URL")
    port: int = Field(default=3000, ge=1, le=65535, alias="PORT")
    rubric_path: Path | None = Field(default=None, alias="CITYCHECK_RUBRIC")
    rubric_dir: Path | None = Field(default=None, alias="CITYCHECK_RUBRIC_DIR")
    """A folder of further rubric versions (older ones rounds were taken on, or newer ones)."""
    nudge_start: time = Field(default=time(9, 0), alias="CITYCHECK_NUDGE_START")
    """Local time from which nudges (reminders, follow-ups, re-checks) may reach a person."""
    nudge_end: time = Field(default=time(17, 0), alias="CITYCHECK_NUDGE_END")
    """Local time after which no nudge goes out that day."""
    nudge_weekly_cap: int = Field(default=2, ge=0, le=50, alias="CITYCHECK_NUDGE_WEEKLY_CAP")
    """Nudges a person gets at most per ISO week, all kinds together (0: no cap); coordinators'
    overdue escalations are not counted."""
    evidence_max_age_months: int = Field(
        default=12, ge=1, le=120, alias="CITYCHECK_EVIDENCE_MAX_AGE_MONTHS"
    )
    """Evidence given longer ago than this is marked stale and asked again in the next round."""

    @field_validator("evidence_max_age_months", mode="before")
    @classmethod
    def _months_shape(cls, value: Any) -> Any:
        text = str(value).strip()
        if not text.isdigit() or not 1 <= int(text) <= 120:
            raise ValueError("give a whole number of months from 1 to 120, e.g. 12")
        return int(text)

    @field_validator("nudge_start", "nudge_end", mode="before")
    @classmethod
    def _time_of_day(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        found = re.fullmatch(r"\s*([01]?\d|2[0-3])(?::([0-5]\d))?\s*", value)
        if found is None:
            raise ValueError("write a time of day as HH:MM on a 24-hour clock, e.g. 09:00")
        return time(int(found.group(1)), int(found.group(2) or 0))

    @field_validator("nudge_end")
    @classmethod
    def _nudge_hours_in_order(cls, value: time, info: Any) -> time:
        start = info.data.get("nudge_start")
        if start is not None and value <= start:
            raise ValueError(
                f"must be later than CITYCHECK_NUDGE_START ({start:%H:%M}), e.g. 17:00"
            )
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _api_url_is_http(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://, e.g. https://slack.com/api/")
        return value if value.endswith("/") else value + "/"

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and value.get_secret_value() == "":
            return None
        if value is not None and not value.get_secret_value().startswith("xoxb-"):
            raise ValueError("must be a bot token starting with xoxb- (OAuth & Permissions page)")
        return value

    @field_validator("slack_app_token")
    @classmethod
    def _app_token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and value.get_secret_value() == "":
            return None
        if value is not None and not value.get_secret_value().startswith("xapp-"):
            raise ValueError("must be an app-level token starting with xapp- (Basic Information)")
        return value

    @field_validator("slack_client_id")
    @classmethod
    def _client_id_shape(cls, value: str | None) -> str | None:
        value = (value or "").strip()
        if value and not re.fullmatch(r"[0-9]+\.[0-9]+", value):
            raise ValueError("must look like 1234567890.1234567890 (Basic Information page)")
        return value or None

    @field_validator("slack_client_secret")
    @classmethod
    def _client_secret_given(cls, value: SecretStr | None) -> SecretStr | None:
        return None if value is None or not value.get_secret_value().strip() else value

    @field_validator("slack_scopes")
    @classmethod
    def _scopes_shape(cls, value: str) -> str:
        scopes = [scope.strip() for scope in value.split(",") if scope.strip()]
        if not scopes:
            raise ValueError(f"name at least one bot scope, e.g. {DEFAULT_SCOPES}")
        wrong = [scope for scope in scopes if not re.fullmatch(r"[a-z]+(?:[:.][a-z_]+)*", scope)]
        if wrong:
            raise ValueError(f"{wrong[0]!r} is not a Slack scope: write e.g. {DEFAULT_SCOPES}")
        return ",".join(scopes)

    @field_validator("slack_redirect_uri")
    @classmethod
    def _redirect_shape(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip()
        if not value.startswith(("https://", "http://")) or not value.rstrip("/").endswith(
            OAUTH_REDIRECT_PATH
        ):
            raise ValueError(
                f"must be the bot's public https://HOST{OAUTH_REDIRECT_PATH} address, "
                "as listed under OAuth & Permissions -> Redirect URLs"
            )
        return value

    @field_validator("rubric_path")
    @classmethod
    def _rubric_exists(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"no rubric file at {value}")
        return value

    @field_validator("rubric_dir")
    @classmethod
    def _rubric_dir_exists(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_dir():
            raise ValueError(f"no folder at {value}: give a folder of rubric files (*.yaml)")
        return value

    @property
    def oauth_enabled(self) -> bool:
        """True with SLACK_CLIENT_ID and SLACK_CLIENT_SECRET: one installation, many workspaces."""
        return self.slack_client_id is not None and self.slack_client_secret is not None

    @property
    def scopes(self) -> list[str]:
        """The bot scopes an OAuth install asks for (SLACK_SCOPES)."""
        return self.slack_scopes.split(",")

    def check_slack(self) -> None:
        """Raise a SettingsError unless the Slack settings of one of the two modes are complete.

        OAuth mode (SLACK_CLIENT_ID and SLACK_CLIENT_SECRET) needs the signing secret; each
        workspace's bot token comes from its installation. Single-workspace mode needs
        SLACK_BOT_TOKEN and the signing secret.
        """
        self.check_oauth_pair()
        if self.oauth_enabled:
            self.require_signing_secret()
            return
        self.require_slack()

    def check_oauth_pair(self) -> None:
        """Raise a SettingsError when only one of SLACK_CLIENT_ID and SLACK_CLIENT_SECRET is set."""
        if (self.slack_client_id is None) != (self.slack_client_secret is None):
            missing = "SLACK_CLIENT_ID" if self.slack_client_id is None else "SLACK_CLIENT_SECRET"
            raise SettingsError(
                f"{missing} is not set: installing in several workspaces (OAuth) needs both "
                "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET from your Slack app's Basic Information "
                "page; for one workspace, unset both and set SLACK_BOT_TOKEN"
            )

    def require_signing_secret(self) -> SecretStr:
        """The signing secret, or a SettingsError saying where to find it."""
        if self.slack_signing_secret is None:
            raise SettingsError(
                "SLACK_SIGNING_SECRET is not set: copy the Signing Secret from your Slack app's "
                "Basic Information page"
            )
        return self.slack_signing_secret

    def require_slack(self) -> tuple[SecretStr, SecretStr]:
        """The bot token and signing secret, or a SettingsError naming the one that is missing."""
        if self.slack_bot_token is None:
            raise SettingsError(
                "SLACK_BOT_TOKEN is not set: copy the Bot User OAuth Token (xoxb-...) from your "
                "Slack app's OAuth & Permissions page"
            )
        if self.slack_signing_secret is None:
            raise SettingsError(
                "SLACK_SIGNING_SECRET is not set: copy the Signing Secret from your Slack app's "
                "Basic Information page"
            )
        return self.slack_bot_token, self.slack_signing_secret


def load_settings(**overrides: Any) -> Settings:
    """Read the settings from the environment; any problem becomes a one-line SettingsError."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else "settings"
        field = Settings.model_fields.get(name)
        env_name = field.alias if field is not None and field.alias else name.upper()
        message = str(first["msg"]).removeprefix("Value error, ")
        raise SettingsError(f"{env_name} is not valid: {message}") from None
