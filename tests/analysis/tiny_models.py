"""Tiny transformer models built by the tests themselves (no hub, no network), saved as real model folders.

They are random-weight BERTs a few kilobytes large. What they compute is meaningless except where a test
fixes it: the NLI classifier's weights are zero and its bias is set, so the model gives one chosen label for
every input. The loading path (config, tokenizer, safetensors, sentence-transformers modules) is the real one.
"""

from __future__ import annotations

from pathlib import Path

WORDS = (
    "the", "a", "minister", "president", "ministers", "sides", "talks", "trade", "energy", "gas", "grain",
    "agreed", "discussed", "signed", "not", "no", "will", "meet", "march", "may", "visit", "corridor",
    "border", ".", ",", "der", "die", "das", "und", "nicht", "министр", "стороны", "обсудили", "торговлю",
)


def _tokenizer(folder: Path):  # type: ignore[no-untyped-def]
    from transformers import BertTokenizerFast

    folder.mkdir(parents=True, exist_ok=True)
    vocab = folder / "vocab.txt"
    vocab.write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *WORDS]) + "\n", encoding="utf-8")
    return BertTokenizerFast(vocab_file=str(vocab))


def _config(**extra):  # type: ignore[no-untyped-def]
    from transformers import BertConfig

    return BertConfig(
        vocab_size=len(WORDS) + 5,
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=128,
        **extra,
    )


def build_nli(folder: Path, id2label: dict[int, str], always: str) -> Path:
    """A cross-encoder folder whose classifier answers `always` (one of id2label's values) for every pair."""
    import torch
    from transformers import BertForSequenceClassification

    tok = _tokenizer(folder)
    cfg = _config(num_labels=len(id2label), id2label=id2label, label2id={v: k for k, v in id2label.items()})
    torch.manual_seed(0)
    model = BertForSequenceClassification(cfg)
    target = next(k for k, v in id2label.items() if v == always)
    with torch.no_grad():
        model.classifier.weight.zero_()
        model.classifier.bias.fill_(0.0)
        model.classifier.bias[target] = 6.0
    model.save_pretrained(folder)
    tok.save_pretrained(folder)
    return folder


def build_sentence_model(folder: Path) -> Path:
    """A sentence-transformers folder (transformer + mean pooling) over a random tiny BERT."""
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Pooling, Transformer
    from transformers import BertModel

    raw = folder.parent / (folder.name + "-raw")
    tok = _tokenizer(raw)
    torch.manual_seed(0)
    BertModel(_config()).save_pretrained(raw)
    tok.save_pretrained(raw)
    st = SentenceTransformer(modules=[Transformer(str(raw)), Pooling(16, "mean")], device="cpu")
    st.save(str(folder))
    return folder
