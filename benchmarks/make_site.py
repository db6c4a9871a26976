"""Build a synthetic blog for benchmarks: N posts with realistic front matter and ~600-word bodies.

Seeded, so the same arguments always give the same bytes. `--kind hugo` writes a site Hugo itself
can read (`hugo.toml`, `content/posts/*.md`); `--kind jekyll` writes `_config.yml` and
`_posts/YYYY-MM-DD-slug.md`. Each post names one of IMAGES images (`image: /assets/img/N.jpg`),
and the site has them (Hugo: `static/assets/img/`, Jekyll: `assets/img/`; empty files), as a real
site has the images its posts show: otherwise `postctl lint` warns on every post (PC901).

    python benchmarks/make_site.py /tmp/site --posts 10000 --kind hugo
"""

from __future__ import annotations

import argparse
import random
from datetime import datetime, timedelta
from pathlib import Path

WORDS = (
    "static site generator front matter markdown post draft tag category author release "
    "performance cache build deploy theme layout template content section page archive feed "
    "python ruby go rust javascript typescript css html yaml toml json git commit review test "
    "mineral supply chain policy market energy climate science research data model network "
    "design people team community open source license security privacy search index query"
).split()
TAGS = [
    "python",
    "javascript",
    "rust",
    "go",
    "devops",
    "testing",
    "security",
    "design",
    "release",
    "tutorial",
    "performance",
    "opinion",
    "news",
    "data",
    "ai",
    "web",
    "cli",
    "linux",
    "cloud",
    "databases",
    "career",
    "books",
    "travel",
    "food",
    "photography",
    "music",
    "science",
]
CATEGORIES = ["Technology", "Engineering", "Culture", "Announcements", "Guides", "Essays"]
AUTHORS = [
    "Ada Lovelace",
    "Grace Hopper",
    "Linus Torvalds",
    "Margaret Hamilton",
    "Ken Thompson",
    "Barbara Liskov",
    "Alan Kay",
    "Frances Allen",
]


def sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def body(rng: random.Random, words: int = 600) -> str:
    paragraphs = []
    written = 0
    while written < words:
        n = rng.randint(40, 90)
        paragraphs.append(" ".join(sentence(rng, rng.randint(8, 16)) for _ in range(n // 12)))
        written += n
        if rng.random() < 0.2:
            paragraphs.append("```python\nprint('hello')\n```")
        if rng.random() < 0.1:
            paragraphs.append("---")  # a horizontal rule in the body
    return "\n\n".join(paragraphs) + "\n"


def post_text(rng: random.Random, kind: str, title: str, when: datetime) -> str:
    tags = rng.sample(TAGS, rng.randint(0, 5))
    category = rng.choice(CATEGORIES)
    author = rng.choice(AUTHORS)
    excerpt = sentence(rng, rng.randint(12, 24))
    lines = ["---"]
    if kind == "jekyll":
        lines.append("layout: post")
    lines.append(f'title: "{title}"')
    lines.append(f"date: {when.strftime('%Y-%m-%dT%H:%M:%S')}+00:00")
    lines.append(f"author: {author}")
    lines.append(f"categories: [{category}]")
    if rng.random() < 0.5:
        lines.append("tags: [" + ", ".join(tags) + "]")
    else:
        lines.append("tags:" + ("" if tags else " []"))
        lines.extend(f"  - {t}" for t in tags)
    if rng.random() < 0.3:
        lines.append("# SEO fields, keep them short")
    lines.append(f'excerpt: "{excerpt}"')
    lines.append(f"image: /assets/img/{rng.randint(1, IMAGES)}.jpg")
    if kind == "hugo":
        lines.append(f"draft: {'true' if rng.random() < 0.05 else 'false'}")
    elif rng.random() < 0.05:
        lines.append("published: false")
    lines.append("---")
    return "\n".join(lines) + "\n\n" + body(rng)


# The images the posts name, /assets/img/1.jpg to /assets/img/IMAGES.jpg.
IMAGES = 500


def make_images(root: Path, kind: str = "hugo") -> None:
    """The images the posts name, as empty files where the generator serves them from."""
    folder = root / ("static" if kind == "hugo" else "") / "assets" / "img"
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(1, IMAGES + 1):
        (folder / f"{number}.jpg").touch()


def make_site(root: Path, posts: int, kind: str = "hugo", seed: int = 1) -> Path:
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    if kind == "hugo":
        (root / "hugo.toml").write_text(
            'baseURL = "https://example.org/"\ntitle = "Synthetic"\n'
            'disableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n'
        )
        folder = root / "content" / "posts"
    else:
        (root / "_config.yml").write_text("title: Synthetic\n")
        folder = root / "_posts"
    folder.mkdir(parents=True, exist_ok=True)
    start = datetime(2010, 1, 1)
    for i in range(posts):
        when = start + timedelta(minutes=rng.randint(0, 16 * 365 * 24 * 60))
        title = f"{sentence(rng, rng.randint(3, 8))[:-1]} {i}"
        slug = f"post-{i:06d}"
        name = f"{when:%Y-%m-%d}-{slug}.md" if kind == "jekyll" else f"{slug}.md"
        (folder / name).write_text(post_text(rng, kind, title, when), encoding="utf-8")
    make_images(root, kind)
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--kind", choices=("hugo", "jekyll"), default="hugo")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    make_site(args.root, args.posts, args.kind, args.seed)
    print(f"{args.posts} {args.kind} posts in {args.root}")


if __name__ == "__main__":
    main()
