#!/bin/sh
# Generates the synthetic (computer voice) audio for a topic from its text, offline, with Debian's espeak-ng
# and opus-tools: `apt-get install -y espeak-ng opus-tools`, then from the repository root:
#   sh content/media/make-synthetic.sh huisarts nl
#   sh content/media/make-synthetic.sh huisarts ar
# Output: content/media/<topic>-<lang>.ogg (Ogg/Opus, mono, 24 kbit/s: plays on WhatsApp, Telegram and browsers).
# Then add to content/topics/<topic>/<lang>.yaml:
#   media: { audio: <topic>-<lang>.ogg, synthetic: true }
# Replace the file with a real recording by a sleutelpersoon as soon as there is one, and set synthetic: false.
set -eu
topic="$1"
lang="$2"
case "$lang" in nl|en|ar|fa|tr|uk) ;; *) echo "espeak-ng has no voice for \"$lang\" that we trust; record a real voice" >&2; exit 2 ;; esac
dir="$(dirname "$0")"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# Title and body, without placeholders and the draft/markdown noise a voice should not read.
node -e '
  const { parse } = require("yaml");
  const t = parse(require("fs").readFileSync(process.argv[1], "utf8"));
  process.stdout.write(`${t.title}.\n\n${t.body.replace(/\{\{\s*\w+\s*\}\}/g, "")}`);
' "$dir/../topics/$topic/$lang.yaml" > "$tmp/text.txt"
espeak-ng -v "$lang" -s 140 -f "$tmp/text.txt" -w "$tmp/speech.wav"
opusenc --quiet --bitrate 24 --downmix-mono "$tmp/speech.wav" "$dir/$topic-$lang.ogg"
ls -l "$dir/$topic-$lang.ogg"
