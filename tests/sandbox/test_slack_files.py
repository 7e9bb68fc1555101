"""Images from uploaded files: alt text is kept, and an image block must name an uploaded image."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.sandbox.server import LocalSandbox

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f"
    b"\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00"
    b"\x00IEND\xaeB`\x82"
)


def _home_with_image(file_id: str) -> dict[str, object]:
    return {
        "type": "home",
        "blocks": [{"type": "image", "slack_file": {"id": file_id}, "alt_text": "chart"}],
    }


def test_an_uploaded_image_keeps_its_alt_text_and_shows_in_an_image_block(
    sandbox: LocalSandbox, client: WebClient
) -> None:
    ana = sandbox.add_user(name="ana")["id"]
    uploaded = client.files_upload_v2(
        content=PNG, filename="chart.png", title="Result", alt_txt="A bar chart"
    )["file"]

    client.views_publish(user_id=ana, view=_home_with_image(uploaded["id"]))

    assert sandbox.store.files[uploaded["id"]]["alt_txt"] == "A bar chart"
    home = sandbox.home_view(user_id=ana)
    assert home is not None and home["blocks"][0]["slack_file"] == {"id": uploaded["id"]}


@pytest.mark.parametrize("kind", ["unknown", "not an image"])
def test_an_image_block_naming_no_uploaded_image_is_a_violation(
    sandbox: LocalSandbox, client: WebClient, kind: str
) -> None:
    ana = sandbox.add_user(name="ana")["id"]
    file_id = "F0000009999"
    if kind == "not an image":
        file_id = client.files_upload_v2(content="a,b\n", filename="data.csv")["file"]["id"]

    with pytest.raises(SlackApiError) as raised:
        client.views_publish(user_id=ana, view=_home_with_image(file_id))

    assert raised.value.response["error"] == "invalid_blocks"
    (violation,) = sandbox.clear_violations()
    expected = "no such uploaded file" if kind == "unknown" else "data.csv is not an image"
    assert expected in violation["problems"][0]
