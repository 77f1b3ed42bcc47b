from tmse.cli import app

app(prog_name="tmse")
