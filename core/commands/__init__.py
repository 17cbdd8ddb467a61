"""CLI subcommands: one module each, exposing `HELP`, `add_arguments(parser)` and `run(args) -> int`."""

# (module name, subcommand name); the CLI imports a module only when its command runs.
COMMANDS: list[tuple[str, str]] = [
    ("render", "render"),
    ("check", "check"),
    ("nodes", "nodes"),
    ("vst3", "vst3"),
    ("plugins", "plugins"),          # the old name of `vst3`, kept as an alias
    ("live", "live"),
    ("dirt", "dirt"),
    ("devices", "devices"),
    ("plot", "plot"),
    ("batch", "batch"),
]
