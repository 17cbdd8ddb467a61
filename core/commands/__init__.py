"""CLI subcommands: one module each, exposing `HELP`, `add_arguments(parser)` and `run(args) -> int`."""

# (module name, subcommand name); the CLI imports a module only when its command runs.
COMMANDS: list[tuple[str, str]] = [
    ("render", "render"),
    ("check", "check"),
    ("nodes", "nodes"),
    ("plugins", "plugins"),
    ("live", "live"),
    ("devices", "devices"),
]
