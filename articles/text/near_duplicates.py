"""Near-duplicate articles across a whole corpus, without comparing all pairs of articles.

Pure: no Django. Each text becomes a MinHash signature of its shingles (runs of normalised words,
see words.normalized_text); locality-sensitive hashing (datasketch) proposes only the pairs
likely to be similar, and each proposal is checked against the threshold.
"""

import zlib
from collections.abc import Iterable
from functools import cache, lru_cache
from typing import TYPE_CHECKING

import numpy as np

from articles.text.words import normalized_text

# datasketch loads scipy, half a second at import that pages need not pay: the functions that
# use it import it.
if TYPE_CHECKING:
    from datasketch import MinHash

# near_duplicates(): words per shingle. Five-word shingles make one changed word cost five
# shingles, so that articles differing by a word per paragraph still score well above 0.8, while
# articles about the same story, written separately, share few.
SHINGLE_WORDS = 5
# MinHash signature length: the estimate's standard error is sqrt(J(1-J)/128), about 0.035 at 0.8.
NUM_PERM = 128
SIGNATURE_SEED = 1
# How datasketch weighs (false positives, false negatives) when it picks bands for a threshold.
# Every candidate is checked against the threshold with its estimate, so a false positive costs
# a comparison of two signatures, while a false negative is a pair lost: at 0.8 this gives 14
# bands of 9 rows, which finds 97.5% of pairs at Jaccard 0.85 and 99.9% at 0.9, where the
# default weights (9 bands of 13) find 69% and 93%.
LSH_WEIGHTS = (0.1, 0.9)


@lru_cache(maxsize=100_000)
def _word_hash(norm: str) -> int:
    return zlib.crc32(norm.encode())


def shingle_hashes(text: str) -> np.ndarray:
    """32-bit hashes of the text's runs of SHINGLE_WORDS normalised words (all, if fewer)."""
    words = np.fromiter(map(_word_hash, normalized_text(text)), dtype=np.uint64)
    if words.size == 0:
        return words
    size = min(SHINGLE_WORDS, words.size)
    count = words.size - size + 1
    combined = np.zeros(count, dtype=np.uint64)
    for k in range(size):  # a polynomial hash of the run; uint64 arithmetic wraps around
        combined = combined * np.uint64(1_000_003) + words[k : k + count]
    return (combined ^ (combined >> np.uint64(32))) & np.uint64(0xFFFFFFFF)


@cache
def _permutations() -> np.ndarray:
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=SIGNATURE_SEED).permutations


@cache
def _lsh_params(threshold: float) -> tuple[int, int]:
    """Bands and rows for the threshold, as datasketch chooses them (a grid search worth keeping)."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM, weights=LSH_WEIGHTS)
    return lsh.b, lsh.r


def signature(text: str) -> "MinHash":
    """The MinHash of the text's shingles; empty when the text has no words."""
    from datasketch import MinHash

    minhash = MinHash(num_perm=NUM_PERM, permutations=_permutations(), scheme="affine32", hashfunc=int)
    minhash.update_batch(shingle_hashes(text).tolist())  # a multiset: repeated shingles change no minimum
    return minhash


def near_duplicates(texts: Iterable[tuple[int, str]], threshold: float = 0.8) -> list[tuple[int, int, float]]:
    """Pairs of near-duplicate articles (a < b, estimated Jaccard of shingles), found through LSH."""
    from datasketch import MinHashLSH

    # Bands are kept as Python's hash of their values, an int instead of a 40-byte string: the
    # index lives in this process only, and a rare collision only adds a candidate to check.
    lsh = MinHashLSH(num_perm=NUM_PERM, params=_lsh_params(threshold), hashfunc=hash)
    # Only signatures are kept, never texts: memory grows with articles x NUM_PERM.
    signatures: dict[int, np.ndarray] = {}
    pairs = []
    for key, text in texts:
        if key in signatures:
            raise ValueError(f"article {key} is given twice")
        minhash = signature(text)
        if minhash.is_empty():
            continue  # no words: nothing to be a duplicate of
        for other in lsh.query(minhash):
            # The share of equal signature values estimates the Jaccard similarity.
            estimate = float(np.count_nonzero(signatures[other] == minhash.hashvalues)) / NUM_PERM
            if estimate >= threshold:
                pairs.append((min(key, other), max(key, other), estimate))
        lsh.insert(key, minhash, check_duplication=False)
        signatures[key] = minhash.hashvalues
    return sorted(pairs)
