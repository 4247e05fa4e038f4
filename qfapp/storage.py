from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed static files, without rewriting source-map references.

    The vendored minified files name source maps that are not shipped; rewriting those
    references would make collectstatic fail on a file nobody serves.
    """

    patterns = tuple(
        (extension, tuple(p for p in rules if "sourceMappingURL" not in (p[0] if isinstance(p, tuple) else p)))
        for extension, rules in CompressedManifestStaticFilesStorage.patterns
    )
