"""`python -m toolkit …`: the same as the console command `toolkit …`."""

from toolkit.cli import run

if __name__ == "__main__":
    run()
