"""A synthetic corpus of Chinese news on the face/identity data trade, for benchmarks.

Articles are assembled from varied sentences: real sentences of the seed articles, and
templates filled from the project's own vocabulary (the Chinese labels of the technique,
data-type, harm and remedy concepts, the platforms, the cue words), with prices in the forms
the reports use, named speakers with titles and affiliations, denials and recommendations,
sentences off the subject, and the noise of real pages (bylines, editor lines, share prompts,
full-width digits, stray spaces; one article in eight in Traditional script). The generator is
seeded, so a size and a seed always give the same corpus.

    python bench/corpus.py 1000 --out bench/data/corpus-1k.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import opencc
from rdflib import Literal
from rdflib.namespace import SKOS

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.clean import clean  # noqa: E402
from kg.namespaces import CUE, PRK, SCHEMES  # noqa: E402
from kg.read import read_inputs  # noqa: E402
from kg.vocabulary import vocabulary_graph  # noqa: E402

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建国志红文斌海燕鹏飞宇晨"
ORGS = [
    "中国政法大学",
    "北京师范大学法学院",
    "某网络安全公司",
    "中国信息通信研究院",
    "上海社会科学院",
    "某律师事务所",
    "清华大学",
    "360安全研究院",
]
TITLES = ["教授", "研究员", "律师", "副教授", "安全专家", "高级工程师", "主任"]
OUTLETS = ["新华网", "中国青年报", "澎湃新闻", "南方都市报", "北京青年报", "法治日报", "新京报"]
OFF_TOPIC = [
    "今年以来，各地经济持续恢复，消费市场回暖。",
    "据气象部门预报，本周后期将有一次降温过程。",
    "该市地铁三号线将于年底开通试运营。",
    "活动现场吸引了众多市民驻足观看。",
    "相关部门表示，将进一步优化营商环境。",
    "多地出台政策支持新能源汽车消费。",
    "这一数字较去年同期增长了百分之十二。",
]
NOISE = [
    "责任编辑：{name}",
    "（记者 {name} 实习生 {name2}）",
    "点击查看更多精彩内容",
    "扫码关注我们的公众号",
    "本文来源：{outlet}",
    "【免责声明】本文仅代表作者观点。",
    "分享到：微博 微信 QQ空间",
]


def _labels(scheme: object) -> list[str]:
    vocab = vocabulary_graph()
    out = []
    for concept in vocab.subjects(SKOS.inScheme, scheme):
        for prop in (SKOS.prefLabel, SKOS.altLabel):
            for label in vocab.objects(concept, prop):
                if isinstance(label, Literal) and (label.language or "").startswith("zh"):
                    out.append(str(label))
    return sorted(set(out))


def _cues(name: str) -> list[str]:
    return sorted(str(t) for t in vocabulary_graph().objects(CUE[name], PRK.cueTerm))


class Generator:
    """Articles from the vocabulary and the seed sentences, reproducibly for a seed."""

    def __init__(self, seed: int = 7) -> None:
        self.rng = random.Random(seed)
        self.terms = {role: _labels(scheme) for role, scheme in SCHEMES.items()}
        self.platforms = _labels(PRK.PlatformScheme) or ["微信", "QQ", "闲鱼"]
        self.recommend = _cues("recommendation") or ["建议"]
        self.negate = _cues("negation") or ["没有"]
        raws, _ = read_inputs([ROOT / "seeds"])
        text = "".join(clean(r).text for r in raws)
        self.seed_sentences = [
            s for s in re.findall(r"[^。！？\n]{8,120}[。！？]", text) if "http" not in s
        ]
        self.t2s = opencc.OpenCC("s2t")

    def pick(self, role: str) -> str:
        return self.rng.choice(self.terms[role])

    def name(self) -> str:
        given = "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2))))
        return self.rng.choice(SURNAMES) + given

    def price(self) -> str:
        r = self.rng
        amount = r.choice(["0.5", "1", "2", "5", "10", "35", "100", "300"])
        forms = [
            f"{amount}元一份",
            f"每张{amount}元",
            f"{amount}元就能买到上千张",
            f"{r.choice(['两', '三', '五'])}毛钱一张",
            f"{r.randint(1, 9)}块钱一套",
            f"打包价{r.randint(1, 20)}万元",
        ]
        return r.choice(forms)

    def sentence(self) -> str:
        r = self.rng
        kind = r.random()
        t, d, h, m = (self.pick(x) for x in ("technique", "datatype", "harm", "remedy"))
        if kind < 0.25:
            return r.choice(self.seed_sentences)
        if kind < 0.40:
            return f"在{r.choice(self.platforms)}上，{d}{self.price()}，买家拿去就能用于{t}。"
        if kind < 0.55:
            who = f"{r.choice(ORGS)}{r.choice(TITLES)}{self.name()}"
            return f"{who}表示，{t}已经成为{h}的主要手段。"
        if kind < 0.65:
            return f"专家{r.choice(self.recommend)}，应当{m}，以防止{h}。"
        if kind < 0.72:
            return f"警方表示，目前{r.choice(self.negate)}证据表明{t}会导致{h}。"
        if kind < 0.85:
            return f"不法分子通过{t}获取{d}，再转卖给下游团伙实施{h}。"
        return r.choice(OFF_TOPIC)

    def noise(self, outlet: str) -> str:
        return self.rng.choice(NOISE).format(name=self.name(), name2=self.name(), outlet=outlet)

    def article(self, n: int) -> dict[str, str]:
        r = self.rng
        outlet = r.choice(OUTLETS)
        day = date(2019, 1, 1) + timedelta(days=r.randint(0, 2400))
        title = f"{self.pick('datatype')}遭{self.pick('technique')}：{self.pick('harm')}风险调查"
        lines = [title, f"{day.isoformat()} 来源：{outlet}"]
        paragraph: list[str] = []
        for _ in range(r.randint(16, 48)):
            paragraph.append(self.sentence())
            if r.random() < 0.25:
                lines.append("".join(paragraph))
                paragraph = []
        if paragraph:
            lines.append("".join(paragraph))
        lines += [self.noise(outlet) for _ in range(r.randint(1, 3))]
        text = "\n".join(lines)
        if r.random() < 0.3:  # full-width digits and stray spaces, as pasted pages have
            text = text.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
            text = text.replace("，", " ，", r.randint(1, 3))
        if r.random() < 0.125:
            text = self.t2s.convert(text)
        return {
            "id": f"syn-{n:07d}",
            "title": title,
            "date": day.isoformat(),
            "outlet": outlet,
            "url": f"https://news.example.cn/{day:%Y%m}/{n}.html",
            "text": text,
        }

    def articles(self, count: int) -> Iterator[dict[str, str]]:
        for n in range(count):
            yield self.article(n)


def write_corpus(count: int, out: Path, seed: int = 7) -> Path:
    """Write ``count`` articles as JSON Lines to ``out`` (kept if it is already there)."""
    if out.exists():
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".partial")
    with tmp.open("w", encoding="utf-8") as fh:
        for article in Generator(seed).articles(count):
            fh.write(json.dumps(article, ensure_ascii=False) + "\n")
    tmp.replace(out)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    write_corpus(args.count, args.out, args.seed)
    print(args.out)


if __name__ == "__main__":
    main()
