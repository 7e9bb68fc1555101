"""Settings from the environment (and an optional `.env`), read once by the command line.

Nothing here runs at import time: `load_settings()` builds a `Settings` and turns any invalid or
missing value into a `SettingsError` with one line naming the setting and what to do.
Secrets are `SecretStr`, so they print as `**********` in logs, reprs and error messages.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///citycheck.db"


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
    database_url: SecretStr = Field(default=SecretStr(DEFAULT_DATABASE_URL), alias="DATABASE_URL")
    port: int = Field(default=3000, ge=1, le=65535, alias="PORT")
    rubric_path: Path | None = Field(default=None, alias="CITYCHECK_RUBRIC")

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

    @field_validator("rubric_path")
    @classmethod
    def _rubric_exists(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"no rubric file at {value}")
        return value

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
