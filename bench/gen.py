"""Synthetic fact bases in factcli's own schema, and perturbed name queries with known answers.

    python bench/gen.py --entities 100000 --out bench/out/facts-100k.yaml
    python bench/gen.py --split bench/out/facts-100k.yaml --files 100 --out bench/out/facts-100k-100files

writes the fact file and, beside it, ``facts-100k.queries.tsv`` (query, expected entity id,
variation kind; the same columns as tests/data/queries.tsv). Every entity is a person (English,
Japanese-romanized or Korean-romanized name), an organization or an event with five cited claims;
the file passes ``factcli check`` (source files need not exist: only ``check --sources`` reads them).

Faker (the ``bench`` extra) supplies English names and filler text; the Japanese and Korean
names come from the lists below so that they are romanized the way the shipped fact base writes
them (``Hitomi Soga``, ``Kim Jong Il``), with macrons on some Japanese names (``Satō``).
Generation is deterministic for a given ``--seed``.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import unicodedata
from pathlib import Path

# -- name material -----------------------------------------------------------------------------
JA_FAMILY = """Sato Suzuki Takahashi Tanaka Ito Watanabe Yamamoto Nakamura Kobayashi Kato Yoshida
Yamada Sasaki Yamaguchi Matsumoto Inoue Kimura Hayashi Saito Shimizu Yamazaki Mori Abe Ikeda Hashimoto
Yamashita Ishikawa Nakajima Maeda Fujita Ogawa Goto Okada Hasegawa Murakami Kondo Ishii Sakamoto Endo
Aoki Fujii Nishimura Fukuda Ota Miura Fujiwara Okamoto Matsuda Nakagawa Nakano Harada Ono Tamura Takeuchi
Kaneko Wada Nakayama Ishida Ueda Morita Hara Shibata Sakai Kudo Yokoyama Miyazaki Miyamoto Uchida Takagi
Ando Taniguchi Ohno Maruyama Imai Takada Fujimoto Takeda Murata Ueno Sugiyama Masuda Sugawara Hirano
Otsuka Kojima Chiba Kubo Matsui Iwasaki Sakurai Kinoshita Noguchi Matsuo Kikuchi Nomura Arai Watanabe
Sano Sugimoto Furukawa Hamada Kawaguchi Yabunaka Hasuike Chimura Soga Yokota Iizuka Koizumi Kawamura
Tsuji Kuroda Hirata Oshima Naito Kono Hiraoka Kanda Sekiguchi Akiyama Nagai Ichikawa Kurihara Shiraishi
Tsuchiya Ozawa Hoshino Takano Mochizuki Kitamura Nagata Izumi Onishi Kawakami Horie Honda Ogura Amano""".split()
JA_GIVEN = """Akira Atsushi Osamu Kazuya Kyosuke Kenichi Shohei Shota Jun Sotaro Taichi Taro Takuma Tsubasa
Tomoya Naoki Naoto Hideki Hiroshi Manabu Mitsuru Minoru Yuki Yuta Yasuhiro Yoichi Yosuke Ryosuke Ryohei Rei
Akemi Asuka Kaori Kana Kumiko Sayuri Satomi Chiyo Naoko Nanami Hanako Haruka Maaya Mai Mikako Miki Momoko
Yui Yumiko Yoko Rika Hitomi Yasushi Fukie Kaoru Yukiko Shinzo Junichiro Mitoji Yoriko Takuya Koichiro
Megumi Shigeru Kenji Koji Yuko Yuji Daisuke Takeshi Tetsuya Masaru Makoto Kazuo Haruto Sota Ren Riku
Hinata Aoi Sakura Emi Erika Ayumi Chika Fumiko Hiroko Kazuko Keiko Mariko Noriko Sachiko Tomoko Eiko
Ichiro Jiro Saburo Goro Hayato Isamu Katsuro Masato Noboru Ryuji Seiji Shinji Susumu Tadashi Toshio
Yoshiro Akiko Chieko Emiko Harumi Junko Kiyomi Michiko Nobuko Reiko Shizuka Takako Yoshiko Atsuko Misaki""".split()
MACRONS = {  # long vowels as the Hepburn romanization writes them
    "Sato": "Satō",
    "Ito": "Itō",
    "Kato": "Katō",
    "Saito": "Saitō",
    "Goto": "Gotō",
    "Kondo": "Kondō",
    "Endo": "Endō",
    "Ota": "Ōta",
    "Ono": "Ōno",
    "Ando": "Andō",
    "Ohno": "Ōno",
    "Otsuka": "Ōtsuka",
    "Kudo": "Kudō",
    "Oshima": "Ōshima",
    "Naito": "Naitō",
    "Kono": "Kōno",
    "Onishi": "Ōnishi",
    "Kyosuke": "Kyōsuke",
    "Shohei": "Shōhei",
    "Shota": "Shōta",
    "Sotaro": "Sōtarō",
    "Yoichi": "Yōichi",
    "Yosuke": "Yōsuke",
    "Ryosuke": "Ryōsuke",
    "Ryohei": "Ryōhei",
    "Yoko": "Yōko",
    "Yuko": "Yūko",
    "Yuji": "Yūji",
    "Shinzo": "Shinzō",
    "Koichiro": "Kōichirō",
    "Junichiro": "Jun'ichirō",
    "Koji": "Kōji",
    "Yuki": "Yūki",
    "Yuta": "Yūta",
    "Sota": "Sōta",
    "Ichiro": "Ichirō",
    "Jiro": "Jirō",
    "Saburo": "Saburō",
    "Goro": "Gorō",
    "Ryuji": "Ryūji",
    "Yoshiro": "Yoshirō",
    "Kazuo": "Kazuo",
    "Toshio": "Toshio",
}
KO_FAMILY = (
    ["Kim"] * 21
    + ["Lee"] * 14
    + ["Park"] * 8
    + ["Choi"] * 5
    + ["Jung"] * 4
    + ["Kang"] * 2
    + "Cho Yoon Jang Lim Han Oh Seo Shin Kwon Hwang Ahn Song Yoo Hong Jeon Ko Moon Yang Son Bae Baek Heo "
    "Nam Noh Ha Kwak Sung Cha Joo Woo Koo Min Ryu Na Jin Ji Eom Chae Won Cheon Bang Kong Hyun Ham Byun "
    "Yeom Yeo Choo Do Seok Sun Seol Ma Gil Yeon Wi Pyo Myung Ki Ban Ra Wang Geum Ok Yook In Maeng".split()
)
KO_SYLLABLES = """min jun seo yeon ji hoon woo jin hyun su ye eun ha young sung ho jae dong kyung hee soo
jung tae hwan yong chul sang gi yun bin jae won na ra mi kyu seok il un ju ah in hye sook ok nam
gyu han chan hyuk beom cheol doo bo da ga ri si yu rim hae sol seung geun ung jong taek""".split()
COMPANY_WORDS = """Pacific Northern Eastern United Allied National Civic Maritime Heritage Harbor Summit Pioneer
Liberty Frontier Meridian Keystone Atlas Sterling Horizon Beacon Cedar Granite Orchard Silverline""".split()
ORG_KINDS = [
    "Association",
    "Foundation",
    "Institute",
    "Society",
    "Council",
    "Committee",
    "Trading Company",
    "Shipping Line",
    "Newspaper",
    "Broadcasting",
    "Research Center",
    "League",
    "Union",
    "Bureau",
]
PLACES = [
    "Seoul",
    "Busan",
    "Pyongyang",
    "Tokyo",
    "Osaka",
    "Niigata",
    "Sado",
    "Kyoto",
    "Sapporo",
    "Incheon",
    "Boston",
    "Chicago",
    "Denver",
    "Seattle",
    "Rich Square",
    "Geneva",
    "Beijing",
    "Jakarta",
    "Hanoi",
]
RELATIONS = ["met-with", "works-for", "member-of", "relative-of", "spouse", "addressed"]
EVENT_WORDS = ["summit", "talks", "visit", "hearing", "conference", "repatriation", "trial", "meeting"]


def fold_slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower().replace("'", "")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is a subset of it)."""
    return json.dumps(text, ensure_ascii=False)


class Names:
    def __init__(self, rng: random.Random) -> None:
        from faker.providers.person.en_US import Provider as English

        self.rng = rng
        self.en_first = list(English.first_names)
        self.en_last = list(English.last_names)
        self.en_middle = self.en_first

    def person(self) -> tuple[str, list[str], str, list[str]]:
        """(canonical name, aliases, culture, parts in given-family order)"""
        r = self.rng
        roll = r.random()
        if roll < 0.4:
            given, family = r.choice(self.en_first), r.choice(self.en_last)
            if r.random() < 0.3:
                middle = r.choice(self.en_middle)
                name = f"{given} {middle} {family}"
                aliases = [f"{given} {family}"] if r.random() < 0.6 else []
                parts = [given, middle, family]
            else:
                name, aliases, parts = f"{given} {family}", [], [given, family]
            if r.random() < 0.3:
                aliases.append(family)
            return name, aliases, "en", parts
        if roll < 0.7:
            given, family = r.choice(JA_GIVEN), r.choice(JA_FAMILY)
            if r.random() < 0.3:  # Hepburn with macrons as the canonical spelling
                given, family = MACRONS.get(given, given), MACRONS.get(family, family)
            name = f"{given} {family}"
            aliases = [f"{family} {given}"] if r.random() < 0.5 else []
            return name, aliases, "ja", [given, family]
        family = r.choice(KO_FAMILY)
        a, b = r.choice(KO_SYLLABLES), r.choice(KO_SYLLABLES)
        style = r.random()
        given = (
            f"{a.capitalize()}-{b}"
            if style < 0.5
            else (f"{a.capitalize()} {b.capitalize()}" if style < 0.8 else f"{a.capitalize()}{b}")
        )
        name = f"{family} {given}"  # family name first, as Korean names are written
        aliases = [f"{given} {family}"] if r.random() < 0.3 else []
        return name, aliases, "ko", [given, family]

    def organization(self) -> tuple[str, list[str]]:
        r = self.rng
        roll = r.random()
        if roll < 0.4:
            name = f"{r.choice(COMPANY_WORDS)} {r.choice(ORG_KINDS)}"
        elif roll < 0.7:
            name = f"{r.choice(self.en_last)} {r.choice(ORG_KINDS)}"
        else:
            name = f"{r.choice(PLACES)} {r.choice(COMPANY_WORDS)} {r.choice(ORG_KINDS)}"
        acronym = "".join(w[0] for w in name.split() if w[0].isupper())
        return name, [acronym] if len(acronym) >= 3 and r.random() < 0.5 else []


# -- perturbations -----------------------------------------------------------------------------
def typo(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.random()
    if kind < 0.3:
        return word[:i] + word[i + 1 :]  # dropped letter
    if kind < 0.55:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]  # swapped letters
    if kind < 0.8:
        return word[:i] + rng.choice("aeioustnrl") + word[i + 1 :]  # wrong letter
    return word[:i] + word[i] + word[i:]  # doubled letter


def toggle_macrons(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    if plain != text:
        return plain.replace("'", "")
    out = []
    for word in text.split():
        out.append(MACRONS.get(word, word))
    joined = " ".join(out)
    if joined == text:  # no known long vowel: mark one anyway, as people do
        joined = text.replace("o", "ō", 1) if "o" in text else text.replace("u", "ū", 1)
    return joined


def perturb(name: str, culture: str, parts: list[str], rng: random.Random) -> tuple[str, str]:
    words = name.split()
    kinds = ["exact", "case", "typo", "typo", "dropped", "swapped", "hyphen", "typo+swapped"]
    if culture == "ja":
        kinds += ["macron", "macron"]
    kind = rng.choice(kinds)
    if kind == "exact":
        return name, kind
    if kind == "case":
        return (name.upper() if rng.random() < 0.5 else name.lower()), kind
    if kind == "typo":
        longest = max(range(len(words)), key=lambda i: len(words[i]) + rng.random())
        words[longest] = typo(words[longest], rng)
        return " ".join(words), kind
    if kind == "dropped":
        if len(words) >= 3:
            del words[rng.randrange(1, len(words) - 1) if culture == "en" else len(words) - 1]
            return " ".join(words), kind
        # two-part names: the given name with a typo-free family name is the only reading left
        return " ".join(reversed(words)), "swapped"
    if kind in ("swapped", "typo+swapped"):
        if culture == "en":
            swapped = f"{parts[-1]}, {' '.join(parts[:-1])}" if rng.random() < 0.5 else f"{parts[-1]} {parts[0]}"
        else:
            swapped = " ".join([*words[1:], words[0]]) if culture == "ko" else " ".join(reversed(words))
        if kind == "typo+swapped":
            pieces = swapped.split()
            i = max(range(len(pieces)), key=lambda k: len(pieces[k]))
            pieces[i] = typo(pieces[i], rng)
            swapped = " ".join(pieces)
        return swapped, kind
    if kind == "hyphen":
        if "-" in name:
            return (name.replace("-", "") if rng.random() < 0.5 else name.replace("-", " ")), kind
        if culture == "ko" and len(words) == 3:
            return f"{words[0]} {words[1]}-{words[2].lower()}", kind
        return "-".join(words), kind
    return toggle_macrons(name), kind


# -- the fact file -----------------------------------------------------------------------------
def generate(count: int, out: Path, seed: int = 5, queries: int = 2000) -> None:
    rng = random.Random(seed)
    try:
        from faker import Faker
    except ImportError:  # pragma: no cover - bench-only dependency
        sys.exit("bench/gen.py needs Faker: pip install -e '.[bench]'")
    fake = Faker("en_US")
    fake.seed_instance(seed)
    names = Names(rng)
    sentences = [fake.sentence(nb_words=rng.randint(5, 11)).rstrip(".") for _ in range(4000)]
    n_sources = max(10, count // 50)
    out.parent.mkdir(parents=True, exist_ok=True)
    write = []
    write.append("sources:\n")
    for s in range(n_sources):
        year = rng.randint(1960, 2023)
        write.append(
            f"  - id: src-{s:07d}\n    title: {q(fake.sentence(nb_words=7).rstrip('.'))}\n"
            f"    publisher: {q(fake.company())}\n    published: {year}-{rng.randint(1, 12):02d}\n"
            f"    file: src-{s:07d}.txt\n"
        )
    write.append("entities:\n")
    ids: list[str] = []
    people: list[tuple[str, str, str, list[str]]] = []  # (id, name, culture, parts) for queries
    name_count: dict[str, int] = {}
    with out.open("w", encoding="utf-8") as handle:
        handle.write("".join(write))
        chunk: list[str] = []
        for n in range(count):
            roll = rng.random()
            if roll < 0.85:
                name, aliases, culture, parts = names.person()
                kind = "person"
            elif roll < 0.97:
                (name, aliases), culture, parts, kind = names.organization(), "org", [], "organization"
            else:
                name = f"{rng.choice(PLACES)} {rng.choice(EVENT_WORDS)} {rng.randint(1960, 2023)}"
                aliases, culture, parts, kind = [], "event", [], "event"
            entity_id = f"{fold_slug(name)}-{n:x}"
            ids.append(entity_id)
            key = name.casefold()
            name_count[key] = name_count.get(key, 0) + 1
            if kind == "person":
                people.append((entity_id, name, culture, parts))
            lines = [f"  - id: {entity_id}\n    kind: {kind}\n    name: {q(name)}\n"]
            if aliases:
                lines.append(f"    aliases: [{', '.join(q(a) for a in aliases)}]\n")
            place = rng.choice(PLACES)
            if kind == "event":
                lines.append(f"    summary: {q(f'A {name.split()[1]} in {place}.')}\n    date: {name.split()[-1]}\n")
            elif kind == "organization":
                lines.append(f"    summary: {q(f'An organization based in {place}.')}\n")
            else:
                lines.append(
                    f"    summary: {q(f'A person from {place}, in the news in the {rng.randint(196, 202)}0s.')}\n"
                )
            lines.append("    claims:\n")
            year = rng.randint(1930, 2000)
            for c in range(5):
                source = f"src-{rng.randrange(n_sources):07d}"
                quote = sentences[rng.randrange(len(sentences))]
                claim = [f"      - text: {q(f'{name} {sentences[rng.randrange(len(sentences))].lower()}.')}\n"]
                if c == 0:
                    claim.append(f"        date: {year}\n")
                elif c == 1 and len(ids) > 1:
                    claim.append(
                        f"        relation: {rng.choice(RELATIONS)}\n        related: {ids[rng.randrange(len(ids) - 1)]}\n"
                    )
                elif c == 2:
                    claim.append(
                        f"        value: {rng.randint(2, 5000):,}\n        unit: people\n        as_of: {year + rng.randint(20, 60)}-{rng.randint(1, 12):02d}~\n"
                    )
                    claim.append("        qualifier: about\n") if rng.random() < 0.3 else None
                elif c == 3 and len(ids) > 1:
                    claim.append(f"        attributed_to: {ids[rng.randrange(len(ids) - 1)]}\n")
                else:
                    start = rng.randint(1960, 2015)
                    claim.append(f"        date: {start}/{start + rng.randint(0, 8)}\n")
                claim.append(f"        citations:\n          - source: {source}\n            quote: {q(quote)}\n")
                if rng.random() < 0.2:
                    other = f"src-{rng.randrange(n_sources):07d}"
                    claim.append(
                        f"          - source: {other}\n            quote: {q(sentences[rng.randrange(len(sentences))])}\n"
                    )
                lines.append("".join(claim))
            chunk.append("".join(lines))
            if len(chunk) >= 2000:
                handle.write("".join(chunk))
                chunk.clear()
        handle.write("".join(chunk))

    # queries: people whose canonical name is unique in the base, so one answer is right
    qrng = random.Random(seed + 1)
    unique = [p for p in people if name_count[p[1].casefold()] == 1]
    chosen = qrng.sample(unique, min(queries, len(unique)))
    with out.with_suffix(".queries.tsv").open("w", encoding="utf-8") as handle:
        handle.write(f"# {len(chosen)} perturbed queries for {out.name} (seed {seed}): query, expected id, variation\n")
        for entity_id, name, culture, parts in chosen:
            query, kind = perturb(name, culture, parts, qrng)
            handle.write(f"{query}\t{entity_id}\t{kind}\n")


def split(facts: Path, files: int, out: Path) -> None:
    """The same fact base as a folder: ``sources.yaml`` and ``entities-NNNN.yaml`` files of about
    equal numbers of entities, in the original order (a fact file as ``generate`` writes it)."""
    with facts.open(encoding="utf-8") as handle:
        lines = handle.readlines()
    start = lines.index("entities:\n")
    items = [n for n in range(start + 1, len(lines)) if lines[n].startswith("  - id: ")]
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.yaml"):
        old.unlink()
    (out / "sources.yaml").write_text("".join(lines[:start]), encoding="utf-8")
    per_file = -(-len(items) // files)
    for number in range(files):
        first = number * per_file
        if first >= len(items):
            break
        end = items[first + per_file] if first + per_file < len(items) else len(lines)
        body = "".join(lines[items[first] : end])
        (out / f"entities-{number:04d}.yaml").write_text("entities:\n" + body, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entities", type=int, help="entities to generate")
    parser.add_argument("--out", type=Path, required=True, help="the fact file (or, with --split, the folder)")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--split", type=Path, help="a fact file gen.py wrote, to write as a folder of --files")
    parser.add_argument("--files", type=int, default=100, help="with --split: how many entity files")
    args = parser.parse_args()
    if args.split:
        split(args.split, args.files, args.out)
    elif args.entities:
        generate(args.entities, args.out, args.seed, args.queries)
    else:
        parser.error("give --entities N (generate) or --split FILE (write a generated base as a folder)")


if __name__ == "__main__":
    main()
