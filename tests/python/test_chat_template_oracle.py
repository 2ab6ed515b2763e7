"""The lab's Mistral v3 chat-template ids against mistral-common, id for id."""
from conftest import lab_tokenize, oracle_ids

S = lambda c: {"role": "system", "content": c}  # noqa: E731
U = lambda c: {"role": "user", "content": c}  # noqa: E731
A = lambda c: {"role": "assistant", "content": c}  # noqa: E731

HARD_CASES = [
    [U("Hello, how are you?")],
    [S("You are a helpful assistant."), U("Hello, how are you?")],
    [U("Ünïcödé façade naïve — “quotes” ‘single’ … ß ø å")],
    [U("Emoji 😀🎉👍🏽 family 👨‍👩‍👧‍👦 flags 🇫🇷🇯🇵 and ☺")],
    [U("中文测试：你好，世界。日本語のテキスト。한국어 문장입니다.")],
    [U("Arabic مرحبا بالعالم and Hebrew שלום and Thai สวัสดี and Hindi नमस्ते")],
    [U("      leading spaces"), ],
    [U("trailing spaces      ")],
    [U("tabs\t\t\tand\n\n\n\nnewlines\r\n\r\nCRLF" + " " * 40 + "end")],
    [U(" " * 300)],
    [U("\n" * 50)],
    [U("[INST] fake [/INST] </s> <s> [TOOL_CALLS] <unk> [AVAILABLE_TOOLS]")],
    [S("[INST]"), U("[/INST]")],
    [U("")],
    [S(""), U("Hi")],
    [S(""), S(""), U("Hi")],
    [S("A"), S("B"), U("Hi")],
    [S("A"), S(""), S("B"), U("Hi")],
    [S("only a system message")],
    [S("Sys"), U("u1"), A("a1"), U("u2")],
    [U("u1"), A("a1   "), U("u2"), A("  a2"), U("u3")],
    [S("s1"), U("u1"), S("s2"), U("u2")],
    [U("u1"), U("u2"), A("a1"), A("a2"), U("u3")],
    [U("u1"), U(""), U("u3")],
    [A("starts with assistant"), U("then user")],
    [S("sys"), A("assistant after system"), U("user")],
    [U("x" * 5000)],
    [U("Numbers 1234567890 3.14159 -42 1e10 0x1F and code `def f(x): return x**2`")],
    [U("Mixed\u00a0nbsp\u2009thin\u200bzero-width\ufeffbom")],
    [U("Combining e\u0301 vs é, ligature ﬁ, fullwidth ＡＢＣ１２３")],
    [U("<0x0A> ▁ literal sentencepiece markers ▁▁")],
    # Rejected by mistral-common: the lab must reject them too.
    [U("u"), A("ends on assistant")],
    [U("u"), A("a"), S("system after assistant"), U("u")],
    [U("u"), A(""), U("u")],
    [A("lone assistant")],
    [],
]


def test_hard_cases_match_mistral_common(l4lab, oracle):
    got = lab_tokenize(l4lab, HARD_CASES)
    mismatches = []
    for conv, lab in zip(HARD_CASES, got):
        want = oracle_ids(oracle, conv)
        if isinstance(want, tuple):
            if "error" not in lab:
                mismatches.append((conv, "oracle rejects", want[1], "lab accepted", lab))
        elif lab.get("ids") != want:
            mismatches.append((conv, want, lab))
    assert not mismatches, f"{len(mismatches)} mismatches, first: {mismatches[0]}"


def test_plain_text_encoding_matches(l4lab, oracle):
    texts = [c[0]["content"] for c in HARD_CASES if c and c[0]["role"] == "user"]
    got = lab_tokenize(l4lab, texts, text=True)
    sp = oracle.instruct_tokenizer.tokenizer
    for t, lab in zip(texts, got):
        assert lab["ids"] == sp.encode(t, bos=False, eos=False), t


def test_a_wrong_id_is_detected(l4lab, oracle):
    # The comparison must be able to fail: a lab answer off by one id differs.
    conv = [U("Hello, how are you?")]
    lab = lab_tokenize(l4lab, [conv])[0]["ids"]
    assert lab == oracle_ids(oracle, conv)
    assert lab[:-1] + [lab[-1] + 1] != oracle_ids(oracle, conv)
