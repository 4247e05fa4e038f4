from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from agencies.seeding import DATA_DIR, SeedError, load_reference, load_register


class Command(BaseCommand):
    help = "Load the schemes, criteria and the register's initial content. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=DATA_DIR / "register_seed.json", help="register seed (JSON)")

    def handle(self, *args, file: Path, **options):
        try:
            reference = load_reference()
            register = load_register(file)
        except SeedError as exc:
            raise CommandError(f"Nothing was loaded. {exc}") from exc
        created = reference.created + register.created
        self.stdout.write(
            f"Register loaded: {created} records created, {register.unchanged} appointments already present."
        )
