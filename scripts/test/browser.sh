#!/usr/bin/env bash
# npm run test:browser — the page tests (*.e2e.test.ts) in headless Chromium, on PGlite. Debian's chromium at
# /usr/bin/chromium, driven by playwright-core: installed by scripts/ci/install-chromium.sh when this is root,
# otherwise named as missing. Extra arguments go to vitest.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [[ ! -x /usr/bin/chromium ]]; then
  if [[ $(id -u) -eq 0 ]]; then
    bash scripts/ci/install-chromium.sh
  else
    cat >&2 <<MSG
test:browser needs Debian's chromium at /usr/bin/chromium, and it is missing (and this is not root, so it
cannot be installed here). As root: apt-get install chromium fonts-noto-cjk
(or: sudo bash scripts/ci/install-chromium.sh), then run npm run test:browser again.
MSG
    exit 1
  fi
fi

YINONG_TEST_SUITE=browser npx vitest run "$@"
