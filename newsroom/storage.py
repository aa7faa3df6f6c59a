from whitenoise.storage import CompressedManifestStaticFilesStorage


class HashedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's hashed, compressed static files, with the imports between ES modules rewritten
    to the hashed names too (Django's documented switch; it rewrites only CSS urls by default).

    Unrewritten, `import … from "./offsets.js"` would still load, but the unhashed copy that
    browsers cache apart from its importer: after a deploy, new modules could meet old ones.
    """

    support_js_module_import_aggregation = True
