from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from agencies.terms_import import COLUMNS, TermsFileError, terms_import
from qfapp.exceptions import RuleViolation


class Command(BaseCommand):
    help = (
        "Record past terms of appointments, with their decision dates, from a CSV file with the columns "
        + ",".join(COLUMNS)
        + ". Every row is checked before anything is written; running it again with the same file changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="CSV file (UTF-8, a header row)")
        parser.add_argument("--actor", required=True, help="e-mail address of the register administrator recording")
        parser.add_argument("--dry-run", action="store_true", help="check and report, write nothing")

    def handle(self, *args, file: Path, actor: str, dry_run: bool, **options):
        user = get_user_model().objects.filter(email__iexact=actor, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user has the e-mail address {actor}.")
        try:
            with file.open(encoding="utf-8-sig", newline="") as lines:
                report = terms_import(lines=lines, actor=user, dry_run=dry_run)
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"{file} is not UTF-8 text.") from exc
        except RuleViolation as exc:
            raise CommandError(str(exc)) from exc
        except TermsFileError as exc:
            raise CommandError("Nothing was imported.\n" + "\n".join(exc.errors)) from exc
        for line in report.lines:
            self.stdout.write(line)
        prefix = "Checked (dry run, nothing written): " if dry_run else ""
        self.stdout.write(
            f"{prefix}{report.created} terms recorded ({report.appointments_created} new appointments), "
            f"{report.dated} decision dates added, {report.unchanged} unchanged."
        )
