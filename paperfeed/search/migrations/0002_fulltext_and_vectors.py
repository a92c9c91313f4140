"""Full-text index over SearchDocument, and a pgvector column on PostgreSQL.

SQLite: an FTS5 external-content table (porter stemming, diacritics folded)
whose rowid is the paper id, kept in step with search_searchdocument by
triggers. PostgreSQL: a stored, generated, weighted tsvector with a GIN index,
and the embedding as a pgvector `vector` for kNN.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """
    CREATE VIRTUAL TABLE search_fts USING fts5(
        title, abstract, authors,
        content='search_searchdocument', content_rowid='paper_id',
        tokenize='porter unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER search_fts_insert AFTER INSERT ON search_searchdocument BEGIN
        INSERT INTO search_fts(rowid, title, abstract, authors)
        VALUES (new.paper_id, new.title, new.abstract, new.authors);
    END
    """,
    """
    CREATE TRIGGER search_fts_delete AFTER DELETE ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, title, abstract, authors)
        VALUES ('delete', old.paper_id, old.title, old.abstract, old.authors);
    END
    """,
    """
    CREATE TRIGGER search_fts_update AFTER UPDATE ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, title, abstract, authors)
        VALUES ('delete', old.paper_id, old.title, old.abstract, old.authors);
        INSERT INTO search_fts(rowid, title, abstract, authors)
        VALUES (new.paper_id, new.title, new.abstract, new.authors);
    END
    """,
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_fts_update",
    "DROP TRIGGER IF EXISTS search_fts_delete",
    "DROP TRIGGER IF EXISTS search_fts_insert",
    "DROP TABLE IF EXISTS search_fts",
]

POSTGRES_FORWARD = [
    """
    ALTER TABLE search_searchdocument ADD COLUMN tsv tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', coalesce(title, '')), 'A') ||
        setweight(to_tsvector('english', coalesce(authors, '')), 'B') ||
        setweight(to_tsvector('english', coalesce(abstract, '')), 'C')
    ) STORED
    """,
    "CREATE INDEX search_searchdocument_tsv ON search_searchdocument USING gin (tsv)",
    "CREATE EXTENSION IF NOT EXISTS vector",
    # No fixed dimension: the model is a setting. kNN indexes are built per
    # dimension by paperfeed.search (an expression index on vec::vector(N)).
    "ALTER TABLE search_embedding ADD COLUMN vec vector",
]
POSTGRES_BACKWARD = [
    "ALTER TABLE search_embedding DROP COLUMN IF EXISTS vec",
    "DROP INDEX IF EXISTS search_searchdocument_tsv",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS tsv",
]


def forward(apps, schema_editor):
    statements = {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}[schema_editor.connection.vendor]
    for statement in statements:
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    statements = {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}[schema_editor.connection.vendor]
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
