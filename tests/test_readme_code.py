"""The README's Python examples run as written (in a fresh process, one namespace, in order)."""
import re, subprocess, sys

def python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, re.S)

def test_readme_python_blocks_run(repo_root):
    blocks = python_blocks((repo_root / "README.md").read_text())
    assert len(blocks) >= 3, "the README lost its Python examples"
    code = "\n".join(blocks)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600, cwd=repo_root)
    assert out.returncode == 0, out.stderr[-3000:]
    assert "FGSMAT(" in out.stdout and "'beta': 6.0" in out.stdout, out.stdout
