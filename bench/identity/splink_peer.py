"""Splink 4 on DuckDB as the batch peer of the identity resolver, set up as its docs advise.

The benchmark needs an honest outside yardstick: the same profiles, resolved by a
well-known probabilistic linker configured the way its documentation shows, not tuned on
the synthetic truth. What is configured, and where the docs say so:

* Input: one row per `Profile` (`unique_id` = the record key). Names, birth date and
  place/work fields as strings, empty ones as NULL so Splink's null levels apply; the
  strong identifiers split by type into `emails`, `phones` and `accounts` arrays;
  `usernames` as an array; `bio` as an array of its lower-cased words (free text in a few
  words, so word overlap is the Jaccard-style signal; DuckDB's `jaccard` compares
  character sets, which short bios share whatever they say). External ids are left out:
  they are per-source customer or employee numbers, so two identity records never share
  one, and a comparison that cannot agree only adds an untrainable level. Role addresses
  (info@...) are left out because many people share them.
* Comparisons, one per field (comparison library, as in the "deduplicate 50k synthetic"
  and "quick and dirty persons" examples): `ForenameSurnameComparison` on given/family
  with a concatenated column for term frequencies (it also scores swapped fields);
  `DateOfBirthComparison(input_is_string=True)`; `ExactMatch` with term-frequency
  adjustments for locality, postcode, company and title (`PostcodeComparison` parses UK
  postcodes only, and these are international); `ExactMatch` for country;
  `LevenshteinAtThresholds` for street; `ArrayIntersectAtSizes` for every array (the
  cookbook's recipe for array columns).
* Blocking for prediction: name rules as loose as the resolver's own candidate keys
  (family name and given initial, and the reverse for swapped fields) plus one rule per
  identifier array via `arrays_to_explode` (the cookbook's "blocking on arrays").
* Training, in the order of the tutorial: `estimate_probability_two_random_records_match`
  from deterministic rules (shared email or account, or full name with date of birth or
  postcode) at recall 0.6, the guess of the 50k example; `estimate_u_using_random_sampling`
  with 1e7 pairs, as in the 50k example and "often adequate" by its docstring (which
  advises 1e8 or more for a final model: on the 2-core benchmark machine 1e8 took 160 s
  and a 20 GB peak on a 10K-record world, whatever the world's size), with a fixed seed;
  EM on the 50k example's two blockings, full name then date of birth, with
  `estimate_without_term_frequencies=True` as there. (Splink 4.0 cannot run EM on an
  exploding rule, so shared identifiers cannot be an EM blocking.)
* Prediction and clustering: `predict(threshold_match_probability=...)` then
  `cluster_pairwise_predictions_at_threshold` at 0.95, the clustering threshold of the 50k
  example (the clustering docstring's own example also clusters at 0.95).
  The threshold is a documented default, never fitted to the truth; other thresholds can
  be clustered from the same predictions for a curve.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd  # type: ignore[import-untyped]  # no pandas-stubs in the venv
import splink
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.blocking_analysis import cumulative_comparisons_to_be_scored_from_blocking_rules_data
from splink.blocking_rule_library import CustomRule

from identity.profile import Profile

if TYPE_CHECKING:
    from splink.internals.splink_dataframe import SplinkDataFrame

__all__ = ["DEFAULT_THRESHOLD", "SplinkResult", "load_profiles", "run_splink"]

# Clustering threshold of Splink's "deduplicate 50k synthetic" example.
DEFAULT_THRESHOLD = 0.95
# Recall guessed for the deterministic rules, as in the same example.
DETERMINISTIC_RECALL = 0.6
# Pairs sampled for u: the 50k example's value (see the module docstring for 1e8).
U_MAX_PAIRS = 1e7
# Any fixed seed makes the u sample repeatable (Splink ignores a seed of 0).
U_SEED = 42
# The DuckDB table the profiles are loaded into.
TABLE = "profiles"
# Words of a bio shorter than this ("at", "of", "|") say nothing about who wrote it.
_MIN_WORD = 3
_WORD = re.compile(r"\w+")
_STRONG_COLUMNS = {"email": "emails", "phone": "phones", "account": "accounts"}
_TEXT_COLUMNS = ("given", "family", "birth_date", "country", "locality", "postcode", "street")
_WORK_COLUMNS = ("company", "title")
_ARRAY_COLUMNS = ("emails", "phones", "accounts", "usernames", "bio_words")


@dataclass(frozen=True, slots=True)
class SplinkResult:
    """Splink's clustering of the profiles and what it cost.

    `scored_pairs` is how many candidate pairs blocking handed to the model (None when not
    counted); `predicted_pairs` how many of them scored at or above `threshold`, before
    clustering joins their connected components. `seconds_total` is loading, training,
    predicting and clustering; building the profiles is the caller's.
    """

    clusters: dict[str, str]  # record key -> cluster id, every profile included
    threshold: float
    seconds_loading: float
    seconds_training: float
    seconds_predicting: float
    seconds_clustering: float
    seconds_total: float
    scored_pairs: int | None
    predicted_pairs: int
    splink_version: str
    # `threshold` and every extra threshold -> its clustering, from the same predictions.
    clusters_by_threshold: dict[float, dict[str, str]] = field(default_factory=dict)


def _strong_arrays(profile: Profile) -> dict[str, list[str]]:
    arrays: dict[str, list[str]] = {column: [] for column in _STRONG_COLUMNS.values()}
    for key in profile.strong:
        kind, _, value = key.partition(":")
        if kind in _STRONG_COLUMNS:
            arrays[_STRONG_COLUMNS[kind]].append(value)
    return arrays


def _bio_words(bio: str) -> list[str]:
    return sorted({w for w in _WORD.findall(bio.casefold()) if len(w) >= _MIN_WORD})


def _row(profile: Profile) -> dict[str, Any]:
    """One input row; empty strings and arrays become NULL so Splink's null levels apply."""
    row: dict[str, Any] = {"unique_id": profile.key}
    for column in (*_TEXT_COLUMNS, *_WORK_COLUMNS):
        row[column] = getattr(profile, column) or None
    full_name = " ".join(part for part in (profile.given, profile.family) if part)
    row["full_name"] = full_name or None
    arrays = _strong_arrays(profile)
    arrays["usernames"] = list(profile.usernames)
    arrays["bio_words"] = _bio_words(profile.bio)
    for column, values in arrays.items():
        row[column] = values or None
    return row


def load_profiles(con: duckdb.DuckDBPyConnection, profiles: Sequence[Profile]) -> None:
    """Create the typed input table: explicit VARCHAR[] so an all-NULL column still types."""
    frame = pd.DataFrame.from_records([_row(p) for p in profiles])
    if frame.empty:
        raise ValueError("run_splink needs at least one profile")
    con.register("profiles_frame", frame)
    casts = ", ".join(
        f"CAST({c} AS VARCHAR[]) AS {c}" if c in _ARRAY_COLUMNS else f"CAST({c} AS VARCHAR) AS {c}"
        for c in frame.columns
    )
    con.execute(f"CREATE OR REPLACE TABLE {TABLE} AS SELECT {casts} FROM profiles_frame")
    con.unregister("profiles_frame")


def _prediction_rules() -> list[Any]:
    """Candidate pairs: names as loose as the resolver's keys, and every identifier array."""
    return [
        block_on("family", "substr(given, 1, 1)"),
        block_on("given", "substr(family, 1, 1)"),
        # Given and family swapped, either way round (Splink keeps l.unique_id < r.unique_id).
        CustomRule("l.given = r.family AND substr(l.family, 1, 1) = substr(r.given, 1, 1)"),
        CustomRule("l.family = r.given AND substr(l.given, 1, 1) = substr(r.family, 1, 1)"),
        *(block_on(c, arrays_to_explode=[c]) for c in ("emails", "phones", "accounts")),
        block_on("usernames", arrays_to_explode=["usernames"]),
    ]


def _deterministic_rules() -> list[Any]:
    """Rules that should admit almost no false matches, for the prior."""
    return [
        block_on("emails", arrays_to_explode=["emails"]),
        block_on("accounts", arrays_to_explode=["accounts"]),
        block_on("given", "family", "birth_date"),
        block_on("given", "family", "postcode"),
    ]


def _comparisons() -> list[Any]:
    return [
        cl.ForenameSurnameComparison(
            "given", "family", forename_surname_concat_col_name="full_name"
        ),
        cl.DateOfBirthComparison("birth_date", input_is_string=True),
        cl.ExactMatch("country"),
        cl.ExactMatch("locality").configure(term_frequency_adjustments=True),
        cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
        cl.LevenshteinAtThresholds("street", [1, 3]),
        cl.ExactMatch("company").configure(term_frequency_adjustments=True),
        cl.ExactMatch("title").configure(term_frequency_adjustments=True),
        *(cl.ArrayIntersectAtSizes(c, [1]) for c in ("emails", "phones", "accounts", "usernames")),
        cl.ArrayIntersectAtSizes("bio_words", [2, 1]),
    ]


def _settings() -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=_comparisons(),
        blocking_rules_to_generate_predictions=_prediction_rules(),
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )


def _train(linker: Linker) -> None:
    """Prior from deterministic rules, u by random sampling, m by EM on two blockings."""
    training = linker.training
    training.estimate_probability_two_random_records_match(
        _deterministic_rules(), recall=DETERMINISTIC_RECALL
    )
    training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS, seed=U_SEED)
    for rule in _em_rules():
        training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True
        )


def _em_rules() -> list[Any]:
    """The 50k example's two EM blockings: full name, then date of birth."""
    return [block_on("given", "family"), block_on("birth_date")]


def _count_scored_pairs(db_api: DuckDBAPI) -> int:
    """Pairs the prediction rules hand to the model (each pair once, however many rules)."""
    counts = cumulative_comparisons_to_be_scored_from_blocking_rules_data(
        table_or_tables=[TABLE],
        blocking_rules=_prediction_rules(),
        link_type="dedupe_only",
        db_api=db_api,
        unique_id_column_name="unique_id",
    )
    return int(counts["row_count"].sum())


def _cluster(
    linker: Linker, con: duckdb.DuckDBPyConnection, predictions: SplinkDataFrame, threshold: float
) -> dict[str, str]:
    """Connected components of the predicted pairs at `threshold`: record key -> cluster id."""
    table = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold
    )
    sql = f"SELECT unique_id, CAST(cluster_id AS VARCHAR) FROM {table.physical_name}"
    return {str(key): str(cluster) for key, cluster in _fetch(con, sql)}


def _count_above(
    con: duckdb.DuckDBPyConnection, predictions: SplinkDataFrame, threshold: float
) -> int:
    sql = f"SELECT count(*) FROM {predictions.physical_name} WHERE match_probability >= {threshold}"
    return int(_fetch(con, sql)[0][0])


def _fetch(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[Any, ...]]:
    """All rows of a query, read to the end.

    DuckDB 2 keeps a partly read result open and refuses other work on the connection until
    it is finished, so every query here is read with `fetchall`.
    """
    return con.execute(sql).fetchall()


@contextlib.contextmanager
def _quiet_splink() -> Iterator[None]:
    """Silence Splink's progress logging and warnings for the run, then restore the level.

    Its warnings are about levels EM never saw (fuzzy date levels, say): expected here.
    """
    splink_logger = logging.getLogger("splink")
    previous = splink_logger.level
    splink_logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        splink_logger.setLevel(previous)


def _connect(memory_limit: str | None, spill_dir: str | None) -> duckdb.DuckDBPyConnection:
    """A fresh in-memory DuckDB, without the progress bar it prints on long queries;
    optionally capped in memory and spilling to `spill_dir` (the 1M world needs it here)."""
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    if memory_limit:
        con.execute(f"SET memory_limit = '{memory_limit}'")
    if spill_dir:
        con.execute(f"SET temp_directory = '{spill_dir}'")
    return con


def run_splink(
    profiles: Sequence[Profile],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    extra_thresholds: Sequence[float] = (),
    count_pairs: bool = True,
    memory_limit: str | None = None,
    spill_dir: str | None = None,
) -> SplinkResult:
    """Deduplicate `profiles` with Splink and cluster at `threshold`.

    `extra_thresholds` are clustered from the same predictions, for a precision/recall
    curve; `count_pairs` counts the candidate pairs with Splink's blocking analysis, a
    second pass over the blocking. Neither is in the timings.
    """
    con = _connect(memory_limit, spill_dir)
    db_api = DuckDBAPI(connection=con)
    with _quiet_splink(), contextlib.closing(con):
        laps = [time.perf_counter()]
        load_profiles(con, profiles)
        linker = Linker(TABLE, _settings(), db_api=db_api, set_up_basic_logging=False)
        laps.append(time.perf_counter())
        _train(linker)
        laps.append(time.perf_counter())
        floor = min((threshold, *extra_thresholds))
        predictions = linker.inference.predict(threshold_match_probability=floor)
        laps.append(time.perf_counter())
        clusters = _cluster(linker, con, predictions, threshold)
        laps.append(time.perf_counter())
        by_threshold = {t: _cluster(linker, con, predictions, t) for t in extra_thresholds}
        scored = _count_scored_pairs(db_api) if count_pairs else None
        above = _count_above(con, predictions, threshold)
    seconds = [later - earlier for earlier, later in itertools.pairwise(laps)]
    return SplinkResult(
        clusters=clusters,
        threshold=threshold,
        seconds_loading=seconds[0],
        seconds_training=seconds[1],
        seconds_predicting=seconds[2],
        seconds_clustering=seconds[3],
        seconds_total=laps[-1] - laps[0],
        scored_pairs=scored,
        predicted_pairs=above,
        splink_version=splink.__version__,
        clusters_by_threshold={threshold: clusters} | by_threshold,
    )
