"""backups, restore, repair: the project's rolling backups, and clean copies of a refused project.

All three work on a project that no longer opens, and none writes over a project: restore and
repair always write a NEW file.
"""

from __future__ import annotations

from npmdesk.commands._common import add_json_arg, add_project_arg, print_json
from npmdesk.store.backups import KEEP_DAYS, KEEP_WEEKS, list_backups, project_folder, restore
from npmdesk.store.repair import repair


def register(sub) -> None:
    p = sub.add_parser("backups", help="list the project's rolling backups (one a day at its first change)")
    add_project_arg(p)
    add_json_arg(p)
    p.set_defaults(run=cmd_backups)

    p = sub.add_parser("restore", help="write a backup of the project to a NEW file (never over the project)")
    add_project_arg(p)
    p.add_argument("backup", metavar="BACKUP", help="a backup's day (YYYY-MM-DD), file name or path "
                                                    "(`npmdesk backups PROJECT` lists them)")
    p.add_argument("--out", required=True, metavar="NEW", help="the new .npmdesk file to create (must not exist)")
    p.set_defaults(run=cmd_restore)

    p = sub.add_parser("repair", help="rebuild a clean copy of a refused or damaged project into a NEW file")
    add_project_arg(p)
    p.add_argument("--out", required=True, metavar="NEW", help="the new .npmdesk file to create (must not exist)")
    add_json_arg(p)
    p.set_defaults(run=cmd_repair)


def _size(n: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} bytes"


def cmd_backups(args) -> int:
    backups = list_backups(args.project)
    if args.json:
        print_json([b.to_json() for b in backups])
        return 0
    for b in backups:
        print(f"{b.day.isoformat()}\t{_size(b.size)}\t{b.path}")
    if not backups:
        print(f"no backups of {args.project} yet (one is made at the first change of each day, in "
              f"{project_folder(args.project)})")
    else:
        print(f"{len(backups)} backup(s); the last {KEEP_DAYS} days and {KEEP_WEEKS} weeks are kept. "
              f"Restore one with `npmdesk restore {args.project} DAY --out NEW.npmdesk`")
    return 0


def cmd_restore(args) -> int:
    out = restore(args.project, args.backup, args.out)
    print(f"restored into {out} (the project {args.project} was not changed)")
    return 0


def cmd_repair(args) -> int:
    report = repair(args.project, args.out)
    if args.json:
        print_json([report.to_json()])
        return 0
    copied = ", ".join(f"{n} {t}" for t, n in report.copied.items() if n)
    print(f"rebuilt {report.out} from {report.source}: {copied or 'no rows'}")
    for t, n in report.left_out.items():
        print(f"    left out: {n} row(s) of {t} (unreadable, breaking a rule, or pointing to rows that are gone)")
    for what in report.not_copied:
        print(f"    not carried over: {what} (not part of an npmdesk project)")
    for note in report.notes:
        print(f"    {note}")
    print(f"the source {report.source} was not changed")
    return 0
