"""Ask TidalCycles (ghci with Debian's libghc-tidal-dev) for the cases of tidal_cases.py and pin
its answers in tidal_pinned.jsonl.

    apt-get install ghc libghc-tidal-dev     # once
    python tests/patterns/pin_tidal_answers.py

Each answer is the list of events with their onset in [begin, end): whole begin and end as
"n/d" and the value as Tidal shows it (a control map as sorted `key=value` words).
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parents[1]))
from tests.patterns.tidal_cases import CASES  # noqa: E402

OUT = HERE / "tidal_pinned.jsonl"

HELPER = r'''{-# LANGUAGE OverloadedStrings #-}
module Oracle where
import Sound.Tidal.Context
import qualified Data.Map as Map
import Data.List (sortOn, intercalate)
import Data.Ratio

fr :: Rational -> String
fr r = show (numerator r) ++ "/" ++ show (denominator r)

onsets :: Rational -> Rational -> Pattern a -> [(Rational, Rational, a)]
onsets a b p = sortOn (\(x,y,_) -> (x,y)) [ (start w, stop w, v) | Event _ (Just w) pt v <- queryArc p (Arc a b), start w == start pt, start w >= a, start w < b]

num :: Double -> String
num f = if f == fromIntegral (round f :: Integer) then show (round f :: Integer) else show f

vshow :: Value -> String
vshow (VS s) = s
vshow (VF f) = num f
vshow (VN n) = num (unNote n)
vshow (VI i) = show i
vshow (VR r) = num (fromRational r)
vshow v = show v

out :: Int -> [(Rational, Rational, String)] -> IO ()
out i es = mapM_ (\(x,y,v) -> putStrLn (show i ++ "\t" ++ fr x ++ "\t" ++ fr y ++ "\t" ++ v)) es

ctl :: Int -> Rational -> Rational -> ControlPattern -> IO ()
ctl i a b p = out i [ (x, y, intercalate " " [k ++ "=" ++ vshow val | (k,val) <- Map.toList v]) | (x,y,v) <- onsets a b p]

str :: Int -> Rational -> Rational -> Pattern String -> IO ()
str i a b p = out i (onsets a b p)

dbl :: Int -> Rational -> Rational -> Pattern Double -> IO ()
dbl i a b p = out i [ (x, y, num v) | (x,y,v) <- onsets a b p]
'''


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "Oracle.hs").write_text(HELPER)
        lines = [":set -XOverloadedStrings", ":load Oracle.hs", "import Sound.Tidal.Context"]
        for i, (expr, kind, begin, end, _) in enumerate(CASES):
            lines.append(f"{kind} {i} {begin} {end} ({expr})")
        proc = subprocess.run(["ghci", "-v0"], cwd=tmp, input="\n".join(lines) + "\n",
                              capture_output=True, text=True, timeout=600)
    if proc.stderr.strip():
        print(proc.stderr, file=sys.stderr)
        return 1
    events: dict[int, list] = {i: [] for i in range(len(CASES))}
    for line in proc.stdout.splitlines():
        i, wb, we, value = line.split("\t")
        events[int(i)].append([wb, we, value])
    with OUT.open("w") as f:
        for i, (expr, kind, begin, end, _) in enumerate(CASES):
            f.write(json.dumps({"tidal": expr, "kind": kind, "from": begin, "to": end,
                                "events": events[i]}) + "\n")
    print(f"wrote {len(CASES)} cases to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
