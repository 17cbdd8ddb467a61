"""Batch manifests: the plain JSON form, TOML defaults and grids, substitution, and errors that
name the manifest's line."""
import json
from fractions import Fraction

import pytest

from phonon.batch.manifest import ManifestError, load_manifest, substitute

RANDOM = 'cps: 1\n~a: s "bd*8?" # gain 0.8\nout: ~a\n'
GRID = "cps: 1\n~cut: 800\n~bass: saw \"55 82.5\"\n  # lpf ~cut 0.5\n  # gain %level\nout: ~bass\n"


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "progs").mkdir()
    (tmp_path / "progs" / "a.ph").write_text(RANDOM)
    (tmp_path / "progs" / "grid.ph").write_text(GRID)
    return tmp_path


def test_plain_json_form_paths_relative_to_the_manifest(folder):
    m = folder / "set.json"
    m.write_text(json.dumps({"jobs": [{"name": "a", "program": "progs/a.ph", "seconds": 4, "seed": 1},
                                      {"name": "b", "program": "progs/a.ph", "seconds": 2.5, "seed": 2,
                                       "sr": 22050, "format": "flac"}]}))
    a, b = load_manifest(m)
    assert (a.name, a.source, a.seconds, a.seed, a.sr, a.format, a.filename) == \
        ("a", RANDOM, 4.0, 1, 44100, "wav", "a.wav")
    assert (b.seconds, b.sr, b.format, b.filename, b.cycles) == (2.5, 22050, "flac", "b.flac", None)
    assert a.program_hash == b.program_hash and len(a.program_hash) == 64


def test_toml_defaults_and_grid_expansion(folder):
    m = folder / "set.toml"
    m.write_text("""cycles = 2
sr = 22050
[[jobs]]
name = "one"
program = "progs/a.ph"
[[grid]]
program = "progs/grid.ph"
seeds = 2
params = { level = [0.1, 0.25], "~cut" = [400, 1600], cps = 2 }
""")
    jobs = load_manifest(m)
    assert [j.name for j in jobs] == ["one"] + [
        f"grid-level{lv}-cut{c}-cps2-seed{s}" for lv in ("0.1", "0.25") for c in (400, 1600) for s in (0, 1)]
    assert all(j.cycles == Fraction(2) and j.seconds is None and j.sr == 22050 for j in jobs)
    j = jobs[4]                                   # level 0.1, cut 1600, seed 1
    assert (j.seed, j.params) == (1, {"level": 0.1, "~cut": 1600, "cps": 2})
    assert j.source == "cps: 2\n~cut: 1600\n~bass: saw \"55 82.5\"\n  # lpf ~cut 0.5\n  # gain 0.1\nout: ~bass\n"
    assert len({x.program_hash for x in jobs[1:]}) == 4      # seeds share a text


def test_grid_name_template_and_seed_list(folder):
    m = folder / "g.toml"
    m.write_text('[[grid]]\nprogram = "progs/grid.ph"\nseconds = 1\nname = "bass_{level}_{seed:03d}"\n'
                 'seeds = [7, 9]\nparams = { level = [0.5] }\n')
    assert [(j.name, j.seed) for j in load_manifest(m)] == [("bass_0.5_007", 7), ("bass_0.5_009", 9)]


def test_substitution_keeps_line_numbers_and_replaces_multiline_buses():
    text = "~pad: saw 110\n  # lpf 1200 0.9\n* 0.3\nout: ~pad * %g\n"
    assert substitute(text, {"~pad": 0.5, "g": 2}) == "~pad: 0.5\n\n\nout: ~pad * 2\n"
    assert substitute("bpm: 120\nout: sine 440\n", {"cps": 0.75}) == "cps: 0.75\nout: sine 440\n"
    assert substitute("out: sine 440\n", {"cps": 1.5}) == "out: sine 440\ncps: 1.5\n"


def test_a_param_sets_a_pattern_variable_the_program_defines():
    text = '%cut: 800\nout: saw 110 # lpf %cut 0.7 * %g\n'
    assert substitute(text, {"cut": 400, "g": 0.5}) == '%cut: 400\nout: saw 110 # lpf %cut 0.7 * 0.5\n'
    assert substitute(text, {"g": 0.5}) == '%cut: 800\nout: saw 110 # lpf %cut 0.7 * 0.5\n'


@pytest.mark.parametrize("params, message", [
    ({}, "%level in the program has no value"),
    ({"level": 1, "levle": 2}, "param 'levle' is not used"),
    ({"level": 1, "~nope": 2}, "param '~nope' names a bus the program does not define"),
])
def test_substitution_errors(params, message):
    with pytest.raises(ValueError, match=message):
        substitute(GRID, params)


@pytest.mark.parametrize("toml, message, line", [
    ('[[jobs]]\nname = "a"\nprogram = "progs/a.ph"\nsecnds = 4\n', "unknown key 'secnds' — did you mean 'seconds'?", 4),
    ('seconds = 1\n[[jobs]]\nname = "a"\nprogram = "progs/a.ph"\n[[jobs]]\nname = "a"\nprogram = "progs/a.ph"\n',
     "two jobs are named 'a'", 3),
    ('seconds = 1\n[[jobs]]\nname = "x"\nprogram = "progs/missing.ph"\n', "cannot read program", 4),
    ('seconds = 1\n[[jobs]]\nname = "x/y"\nprogram = "progs/a.ph"\n', "usable as a file name", 3),
    ('[[jobs]]\nname = "x"\nprogram = "progs/a.ph"\n', "give exactly one of `seconds` or `cycles`", 2),
    ('seconds = 1\nformat = "mp3"\n[[jobs]]\nname = "x"\nprogram = "progs/a.ph"\n', "format must be one of", 4),
    ('seconds = 1\n[[jobs]]\nname = "g"\nprogram = "progs/grid.ph"\n', "%level in the program has no value", 3),
    ('seconds = 1\n[[jobs]\nname = "x"\n', "", 2),
])
def test_manifest_errors_name_the_line(folder, toml, message, line):
    m = folder / "bad.toml"
    m.write_text(toml)
    with pytest.raises(ManifestError) as info:
        load_manifest(m)
    err = info.value
    assert message in err.headline
    assert (err.file, err.line) == (str(m), line)


def test_json_syntax_error_is_located(folder):
    m = folder / "bad.json"
    m.write_text('{"jobs": [\n  {"name": "a",}\n]}')
    with pytest.raises(ManifestError) as info:
        load_manifest(m)
    assert (info.value.line, info.value.col) == (2, 16)
