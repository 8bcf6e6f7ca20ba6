"""What the assistant runs with: model, limits, mode, prices.

A traitlets `Configurable`, so a Jupyter server sets it like any other
option (`c.Assistant.model = "..."`, `--Assistant.mode=suggest`).  The
provider is Anthropic's API (key and base URL from `ANTHROPIC_API_KEY`,
`ANTHROPIC_BASE_URL`) or any OpenAI-compatible endpoint (`OPENAI_API_KEY`,
`OPENAI_BASE_URL` or `c.Assistant.base_url`): each SDK reads its own
variables, nothing is stored.  The model gets design tools only: no deploy
tool and no credentials.
"""

from __future__ import annotations

import os

from traitlets import Bool, CaselessStrEnum, Dict, Float, Int, Unicode
from traitlets.config import Configurable

DEFAULT_MODEL = "claude-sonnet-5-5"

# USD per million tokens: input, output, cache write (5 minutes), cache read.  Published list
# prices; a deployer with other rates sets `c.Assistant.prices`.  Matched by model-id prefix.
PRICES = {
    "claude-sonnet-5": [2.0, 10.0, 2.5, 0.2],
    "claude-sonnet-4": [3.0, 15.0, 3.75, 0.3],
    "claude-opus-5": [5.0, 25.0, 6.25, 0.5],
    "claude-opus-4-5": [5.0, 25.0, 6.25, 0.5],
    "claude-opus-4-6": [5.0, 25.0, 6.25, 0.5],
    "claude-haiku-4-5": [1.0, 5.0, 1.25, 0.1],
}


PROVIDERS = ("anthropic", "bedrock", "openai")


class Assistant(Configurable):
    """Settings of the design assistant (the model behind `@isshoni`)."""

    provider = CaselessStrEnum(
        list(PROVIDERS), "anthropic", config=True,
        help="anthropic: Claude through Anthropic's API; bedrock: Claude through Amazon Bedrock (AWS credentials from the "
        "default chain, Assistant.model a Bedrock model or inference profile id); openai: any OpenAI-compatible endpoint "
        "(OpenAI, Azure OpenAI, vLLM, Ollama, LiteLLM), with Assistant.model set to a model it serves.",
    )
    aws_region = Unicode("", config=True, help="Bedrock's region (default: AWS_REGION, else the AWS profile's).")
    base_url = Unicode("", config=True, help="The OpenAI-compatible endpoint (default: OPENAI_BASE_URL, else OpenAI's).")
    model = Unicode(DEFAULT_MODEL, config=True, help="The model id the assistant asks (a Claude id for anthropic).")
    max_tokens = Int(4096, config=True, help="Most tokens one model reply may have.")
    max_turns = Int(12, config=True, help="Most model round trips (tool calls and replies) per answer.")
    timeout = Float(60.0, config=True, help="Seconds to wait for the model before a request counts as timed out.")
    max_retries = Int(2, config=True, help="Retries (with the SDK's exponential backoff) on timeouts, 429, 5xx and 529.")
    mode = CaselessStrEnum(
        ["apply", "suggest"], "apply", config=True,
        help="apply: edits land in the design at once (one undoable step per answer); "
        "suggest: the change is proposed in the chat for a person to apply or discard.",
    )
    history = Int(20, config=True, help="How many recent chat messages the assistant reads.")
    check_after = Bool(True, config=True, help="Run the fast checks (graph rules, cfn-lint) on the changed design.")
    offline = Bool(False, config=True, help="Always use the offline planner, even with an API key.")
    prices = Dict(PRICES, config=True, help="USD per million tokens [input, output, cache write, cache read] by model prefix.")

    def has_key(self) -> bool:
        """Whether the provider's SDK will find credentials (else the offline planner answers)."""
        if self.provider == "openai":
            return bool(os.environ.get("OPENAI_API_KEY"))
        if self.provider == "bedrock":
            return bool(os.environ.get("AWS_BEARER_TOKEN_BEDROCK")) or _aws_credentials()
        return bool(os.environ.get("ANTHROPIC_API_KEY") or os.environ.get("ANTHROPIC_AUTH_TOKEN"))

    def model_problem(self) -> str | None:
        """Why the configured model cannot be asked (None when it can)."""
        if self.provider == "openai" and self.model.startswith("claude-"):
            return ("The assistant is set to an OpenAI-compatible endpoint but its model is a Claude id "
                    f"({self.model!r}): set c.Assistant.model to a model that endpoint serves.")
        if self.provider == "bedrock" and "anthropic." not in self.model and not self.model.startswith("arn:"):
            return (f"The assistant is set to Amazon Bedrock but its model ({self.model!r}) is not a Bedrock model id: set "
                    "c.Assistant.model to one (anthropic.claude-..., an inference profile us.anthropic.claude-..., or its ARN).")
        return None

    def price(self, model: str) -> list[float] | None:
        model = model.rpartition("anthropic.")[2]  # a Bedrock id (us.anthropic.claude-...) is priced as its Claude model
        best = max((p for p in self.prices if model.startswith(p)), key=len, default=None)
        return list(self.prices[best]) if best else None


def _aws_credentials() -> bool:
    """Whether botocore's default chain finds AWS credentials (environment, profile, instance role)."""
    import botocore.session

    return botocore.session.get_session().get_credentials() is not None
