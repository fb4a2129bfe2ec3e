"""Packaging for advanti, driven by settings.ini (nbdev 2 layout, without `pkg_resources`)."""
from configparser import ConfigParser
from pathlib import Path
import shlex
from setuptools import find_packages, setup

config = ConfigParser(delimiters=['='])
config.read(Path(__file__).parent / 'settings.ini', encoding='utf-8')
cfg = config['DEFAULT']

def requirements(key: str) -> list[str]:
    "Space-separated requirement specifiers stored under `key` in settings.ini."
    return shlex.split(cfg.get(key, ''))

extras = {name: requirements(f'{name}_requirements') for name in ('experiments', 'eval', 'notebooks', 'dev')}
extras['all'] = sorted({r for reqs in extras.values() for r in reqs})
licenses = {'apache2': ('Apache Software License 2.0', 'OSI Approved :: Apache Software License')}
statuses = ['1 - Planning', '2 - Pre-Alpha', '3 - Alpha', '4 - Beta', '5 - Production/Stable', '6 - Mature', '7 - Inactive']
readme = Path(__file__).parent / 'README.md'

setup(
    name=cfg['lib_name'],
    version=cfg['version'],
    description=cfg['description'],
    long_description=readme.read_text(encoding='utf-8') if readme.exists() else cfg['description'],
    long_description_content_type='text/markdown',
    author=cfg['author'],
    author_email=cfg['author_email'],
    license=licenses[cfg['license']][0],
    url=cfg['git_url'],
    keywords=cfg['keywords'].split(),
    classifiers=[f"Development Status :: {statuses[int(cfg['status']) - 1]}",
                 f"License :: {licenses[cfg['license']][1]}",
                 'Programming Language :: Python :: 3', f"Natural Language :: {cfg['language']}"],
    python_requires=f">={cfg['min_python']}",
    packages=find_packages(include=['advanti', 'advanti.*']),
    include_package_data=True,
    package_data={'advanti': ['profiles/*.yaml']},
    install_requires=requirements('requirements'),
    extras_require=extras,
    entry_points={'console_scripts': cfg['console_scripts'].split(),
                  'nbdev': [f"{cfg['lib_path']}={cfg['lib_path']}._modidx:d"]},
    zip_safe=False,
)
