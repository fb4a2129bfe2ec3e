"""Re-execute library notebooks in place (their outputs are committed), each in its own folder, one torch thread.
usage: python .ci/execute_notebooks.py nbs/00_data.ipynb [...]   (default: every numbered library notebook)"""
import os, sys
from pathlib import Path
from execnb.shell import CaptureShell

def execute(path: Path):
    "Run every cell of `path` in a fresh shell from the notebook's folder and write the outputs back."
    here = Path.cwd()
    os.chdir(path.parent)
    try: CaptureShell().execute(path.name, path.name, exc_stop=True)
    finally: os.chdir(here)

if __name__ == "__main__":
    paths = [Path(p).resolve() for p in sys.argv[1:]] or sorted(Path("nbs").resolve().glob("[0-9]*.ipynb"))
    for p in paths:
        print(f"executing {p.name}", flush=True)
        execute(p)
