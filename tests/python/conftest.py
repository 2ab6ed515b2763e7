"""Shared fixtures for the Python oracle tests: the lab's binary and mistral-common."""
import json
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _find_bin():
    env = os.environ.get("L4LAB_BIN")
    if env:
        return pathlib.Path(env)
    for d in sorted(ROOT.glob("build*/src/cli/l4lab")):
        return d
    pytest.skip("l4lab binary not found (set L4LAB_BIN)")


@pytest.fixture(scope="session")
def l4lab():
    return _find_bin()


@pytest.fixture(scope="session")
def oracle():
    from mistral_common.tokens.tokenizers.mistral import MistralTokenizer

    return MistralTokenizer.v3()


def oracle_ids(tok, messages):
    """mistral-common's ids for a conversation, or ('error', message)."""
    from mistral_common.protocol.instruct.messages import AssistantMessage, SystemMessage, UserMessage
    from mistral_common.protocol.instruct.request import ChatCompletionRequest

    cls = {"system": SystemMessage, "user": UserMessage, "assistant": AssistantMessage}
    try:
        msgs = [cls[m["role"]](content=m["content"]) for m in messages]
        return tok.encode_chat_completion(ChatCompletionRequest(messages=msgs)).tokens
    except Exception as e:  # noqa: BLE001 - any refusal is the oracle's answer
        return ("error", f"{type(e).__name__}: {e}")


def lab_tokenize(binary, conversations, text=False):
    """Runs `l4lab workload tokenize` over conversations; returns one dict per input."""
    key = "text" if text else "messages"
    stdin = "".join(json.dumps({key: c}, ensure_ascii=False) + "\n" for c in conversations)
    argv = [str(binary), "workload", "tokenize", "--json"] + (["--text"] if text else [])
    p = subprocess.run(argv, input=stdin.encode(), capture_output=True, check=True)
    out = [json.loads(line) for line in p.stdout.decode().splitlines()]
    assert len(out) == len(conversations)
    return out
