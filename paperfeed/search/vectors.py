"""Nearest papers by cosine of their embeddings (exact, or pgvector HNSW).

Two interchangeable indexes behind `semantic_search` and `nearest_papers`:

* numpy (SQLite, and PostgreSQL with PAPERFEED_VECTOR_INDEX=numpy): every
  vector of the current model in one float32 matrix in this process, scored
  exactly with one matrix-vector product and `argpartition`. Loaded on first
  use and kept current incrementally: each query asks the database for
  max(updated_at) (one indexed lookup) and loads only the rows written since.
* pgvector (PostgreSQL by default): `ORDER BY vec <=> q LIMIT k` in the
  database, through an HNSW index per dimension that `paperfeed embed`
  creates after loading (`vector_index_ensure`); exact without it.

Both return only visible papers: candidates are checked against the
catalogue (hidden or deleted papers are dropped) and more are fetched when
too few remain.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max

from paperfeed.catalog.models import Paper

from .embeddings import model_name
from .models import Embedding

# Rows written up to this long before the newest one seen are read again at
# each refresh: a transaction that commits late carries an earlier updated_at.
OVERLAP = timedelta(seconds=10)


def _backend() -> str:
    choice = settings.PAPERFEED_VECTOR_INDEX
    if choice == "auto":
        return "pgvector" if connection.vendor == "postgresql" else "numpy"
    if choice == "pgvector" and connection.vendor != "postgresql":
        raise RuntimeError("PAPERFEED_VECTOR_INDEX=pgvector needs PostgreSQL")
    return choice


def vector_literal(vector: np.ndarray) -> str:
    """pgvector's text form: [0.1,0.2,...]."""
    return "[" + ",".join(f"{x:.7g}" for x in np.asarray(vector, dtype=np.float32)) + "]"


# --- the in-process numpy index ----------------------------------------------------


@dataclass
class _Matrix:
    model: str
    dim: int = 0
    ids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    rows: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))
    size: int = 0
    row_of: dict[int, int] = field(default_factory=dict)
    seen_max: datetime | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def _grow(self, extra: int, dim: int) -> None:
        if self.dim == 0:
            self.dim = dim
            self.rows = np.zeros((0, dim), dtype=np.float32)
        need = self.size + extra
        if need <= len(self.ids):
            return
        capacity = max(need, int(len(self.ids) * 1.5) + 1024)
        rows = np.zeros((capacity, self.dim), dtype=np.float32)
        rows[: self.size] = self.rows[: self.size]
        ids = np.full(capacity, -1, dtype=np.int64)
        ids[: self.size] = self.ids[: self.size]
        self.rows, self.ids = rows, ids

    def put(self, paper_ids: list[int], vectors: np.ndarray) -> None:
        if not paper_ids:
            return
        fresh = [i for i in paper_ids if i not in self.row_of]
        self._grow(len(fresh), vectors.shape[1])
        for paper_id, vector in zip(paper_ids, vectors):
            row = self.row_of.get(paper_id)
            if row is None:
                row = self.row_of[paper_id] = self.size
                self.ids[row] = paper_id
                self.size += 1
            self.rows[row] = vector

    def drop(self, paper_ids: Collection[int]) -> None:
        """Forget papers found deleted; their rows stay as zeros, never returned."""
        for paper_id in paper_ids:
            row = self.row_of.pop(paper_id, None)
            if row is not None:
                self.ids[row] = -1
                self.rows[row] = 0.0

    def vector_of(self, paper_id: int) -> np.ndarray | None:
        row = self.row_of.get(paper_id)
        return None if row is None else self.rows[row].copy()


_matrices: dict[str, _Matrix] = {}
_matrices_lock = threading.Lock()


def _read_rows(since: datetime | None, model: str) -> tuple[list[int], np.ndarray]:
    query = "SELECT paper_id, dim, vector FROM search_embedding WHERE model = %s"
    params: list = [model]
    if since is not None:
        query += " AND updated_at >= %s"
        params.append(since)
    ids, blobs, dim = [], [], 0
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        while batch := cursor.fetchmany(10_000):
            for paper_id, row_dim, blob in batch:
                dim = dim or row_dim
                if row_dim == dim:
                    ids.append(paper_id)
                    blobs.append(bytes(blob))
    vectors = np.frombuffer(b"".join(blobs), dtype="<f4").reshape(len(ids), dim) if ids else np.zeros((0, 0))
    return ids, vectors


def _matrix() -> _Matrix:
    """The current model's matrix, brought up to date with the Embedding table."""
    model = model_name()
    with _matrices_lock:
        matrix = _matrices.setdefault(model, _Matrix(model))
    newest = Embedding.objects.aggregate(m=Max("updated_at"))["m"]
    if matrix.seen_max is not None and (newest is None or newest < matrix.seen_max):
        # The table went back in time (emptied, restored, a test rolled back): start again.
        with _matrices_lock:
            matrix = _matrices[model] = _Matrix(model)
    if newest is None or (matrix.seen_max is not None and newest <= matrix.seen_max):
        return matrix
    with matrix.lock:
        if matrix.seen_max is None or newest > matrix.seen_max:
            since = None if matrix.seen_max is None else matrix.seen_max - OVERLAP
            ids, vectors = _read_rows(since, model)
            if matrix.dim and ids and vectors.shape[1] != matrix.dim:
                raise RuntimeError(f"stored vectors of {model} changed dimension; run paperfeed embed --rebuild")
            matrix.put(ids, vectors.astype(np.float32, copy=False))
            matrix.seen_max = newest
    return matrix


def reset_cache() -> None:
    """Forget every loaded matrix (tests; a process whose database was replaced)."""
    with _matrices_lock:
        _matrices.clear()


def _numpy_search(query: np.ndarray, want: int, paper_ids, exclude: int | None) -> list[tuple[int, float]]:
    matrix = _matrix()
    with matrix.lock:
        size, ids, rows = matrix.size, matrix.ids, matrix.rows
        if size == 0:
            return []
        if paper_ids is not None:
            subset = np.fromiter((matrix.row_of[i] for i in paper_ids if i in matrix.row_of), dtype=np.int64)
            ids, rows = ids[subset], rows[subset]
        else:
            ids, rows = ids[:size], rows[:size]
        if len(query) != rows.shape[1]:
            raise ValueError(f"query has {len(query)} dimensions, the index {rows.shape[1]}")
        scores = rows @ query
    if exclude is not None:
        scores[ids == exclude] = -np.inf
    scores[ids < 0] = -np.inf
    k = min(want, len(scores))
    if k == 0:
        return []
    top = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
    top = top[np.argsort(-scores[top], kind="stable")]
    return [(int(ids[i]), float(scores[i])) for i in top if np.isfinite(scores[i])]


# --- pgvector -------------------------------------------------------------------------


def _pg_search(query: np.ndarray, want: int, paper_ids, exclude: int | None) -> list[tuple[int, float]]:
    dim = len(query)
    vec = vector_literal(query)
    where, params = ["model = %s", "dim = %s"], [model_name(), dim]
    if paper_ids is not None:
        where.append("paper_id = ANY(%s)")
        params.append(list(paper_ids))
    if exclude is not None:
        where.append("paper_id <> %s")
        params.append(exclude)
    # The same expression as the HNSW index (vector_index_ensure), so it can be used.
    distance = f"(vec::vector({dim})) <=> %s::vector({dim})"
    sql = (
        f"SELECT paper_id, 1 - ({distance}) FROM search_embedding WHERE {' AND '.join(where)} "
        f"ORDER BY {distance} LIMIT %s"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        # HNSW returns at most ef_search rows; ask for enough, and keep scanning past filtered rows.
        cursor.execute(f"SET LOCAL hnsw.ef_search = {int(min(1000, max(40, 2 * want)))}")
        cursor.execute("SET LOCAL hnsw.iterative_scan = relaxed_order")
        cursor.execute(sql, [vec, *params, vec, want])
        found = [(int(i), float(s)) for i, s in cursor.fetchall()]
    return sorted(found, key=lambda pair: -pair[1])


def vector_index_ensure(dim: int | None = None) -> bool:
    """Create pgvector's HNSW index for this dimension if missing (after a bulk load)."""
    if connection.vendor != "postgresql":
        return False
    if dim is None:
        from .embeddings import dimension

        dim = dimension()
    name = f"search_embedding_hnsw_{int(dim)}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [name])
        if cursor.fetchone():
            return True
        # Inside a transaction that wrote rows (deferred foreign-key checks
        # pending), PostgreSQL refuses CREATE INDEX until they have run.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON search_embedding "
            f"USING hnsw ((vec::vector({int(dim)})) vector_cosine_ops) WHERE dim = {int(dim)}"
        )
    return True


# --- the API --------------------------------------------------------------------------


def _visible(found: list[tuple[int, float]]) -> tuple[list[tuple[int, float]], set[int]]:
    """Keep papers that exist and are not hidden; also return the ids that no longer exist."""
    ids = [i for i, _ in found]
    state = dict(Paper.objects.filter(pk__in=ids).values_list("pk", "is_hidden"))
    return [(i, s) for i, s in found if state.get(i) is False], {i for i in ids if i not in state}


def _search(query: np.ndarray, limit: int, paper_ids, exclude: int | None) -> list[tuple[int, float]]:
    if limit <= 0:
        return []
    query = np.asarray(query, dtype=np.float32).reshape(-1)
    if paper_ids is not None:
        paper_ids = list(paper_ids)
        if not paper_ids:
            return []
    run = _pg_search if _backend() == "pgvector" else _numpy_search
    want = limit + 10
    while True:
        found = run(query, want, paper_ids, exclude)
        visible, gone = _visible(found)
        if gone and _backend() == "numpy":
            matrix = _matrix()
            with matrix.lock:
                matrix.drop(gone)
        if len(visible) >= limit or len(found) < want:
            return visible[:limit]
        want *= 4


def semantic_search(
    query_vector: np.ndarray, *, limit: int, paper_ids: Collection[int] | None = None
) -> list[tuple[int, float]]:
    """The `limit` visible papers nearest to `query_vector`: (paper id, cosine), best first.

    `paper_ids` restricts the search to those papers (e.g. keyword hits).
    """
    return _search(query_vector, limit, paper_ids, None)


def cosines(query_vector: np.ndarray, paper_ids: Collection[int]) -> dict[int, float]:
    """{paper id: cosine with `query_vector`} for those of `paper_ids` that have a vector.

    Exact, in one query, and without the visibility check of `semantic_search`:
    for papers the caller already found (re-ranking scores keyword results).
    """
    query = np.asarray(query_vector, dtype=np.float32).reshape(-1)
    paper_ids = list(dict.fromkeys(paper_ids))
    if not paper_ids:
        return {}
    if _backend() == "numpy":
        return dict(_numpy_search(query, len(paper_ids), paper_ids, None))
    dim = len(query)
    sql = (
        f"SELECT paper_id, 1 - ((vec::vector({dim})) <=> %s::vector({dim})) FROM search_embedding "
        "WHERE model = %s AND dim = %s AND paper_id = ANY(%s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [vector_literal(query), model_name(), dim, paper_ids])
        return {int(i): float(s) for i, s in cursor.fetchall()}


def paper_vector(paper_id: int) -> np.ndarray | None:
    """The stored vector of a paper under the current model, or None."""
    row = Embedding.objects.filter(paper_id=paper_id, model=model_name()).values_list("vector", flat=True).first()
    return None if row is None else np.frombuffer(bytes(row), dtype="<f4").astype(np.float32)


def nearest_papers(paper_id: int, *, limit: int) -> list[tuple[int, float]]:
    """The `limit` visible papers most similar to this one (never itself); [] if it has no vector."""
    vector = paper_vector(paper_id)
    if vector is None:
        return []
    return _search(vector, limit, None, paper_id)


def warm_up() -> float:
    """Load the numpy index now (e.g. when a web worker starts); returns the seconds it took."""
    started = time.perf_counter()
    if _backend() == "numpy":
        _matrix()
    return time.perf_counter() - started
