"""What the demo says to the person running it (the bot's own words come from the bot)."""

WELCOME = """\
Welcome to the citycheck demo.

citycheck runs a city's data-practices self-assessment as a conversation in Slack. Here it
all runs on this machine: a stand-in for Slack (the "sandbox"), the real citycheck bot talking
to it over HTTP, and a SQLite database. Nothing goes to the internet.

Starting the sandbox and the bot (a few seconds)…"""

STAGE = """\
Database: {database}
Slack:    the sandbox Slack at {sandbox} (workspace {team}), in this process
Bot:      citycheck run, serving {bot}/slack/events (its log: {log})
{cleanup}
"""

REMOVED = "The folder {folder} is removed at the end; run with --keep to look at it afterwards."
KEPT = "The folder {folder} is kept afterwards (--keep): open the database with any SQLite tool."
OWN_DATABASE = "The bot's log is in {folder}, removed at the end unless you run with --keep."

SCRIPTED = """\
citycheck demo: playing {script}: a scripted team takes the assessment in the sandbox Slack.
Lines starting with ▸ are what a person does; the boxes and arrows are what the bot shows.
"""

TEAMMATES = "\nYour teammates ({names}) answer their practice areas first…"

TEAMMATES_DONE = "…done: {count} questions, answered as in examples/answers/{file}."

YOUR_TURN = """
Your turn. You are "you", a city staff member. Cora, the coordinator, has assigned you two
practice areas: Open Data and Community Impact (7 questions). Below is her message to you,
as Slack would show it: numbers in [brackets] are buttons and checkboxes you can use.

Start with 1 (the Start button). Each question lists what might be in place: tick what is true
for your city (e.g. tick 1 3, or 2 to tick one more) and click Save, or type your answer as
you would in Slack (1 3, none, not sure, skip). After each area you get its score and the next
steps; when you are done, the city's result goes to the team's channel.

{help}
"""

HELP = """\
What you can type (at any prompt):
  2              click button 2, or tick / untick checkbox 2, of what is shown last
  tick 1 3       tick exactly checkboxes 1 and 3 (then click Save)
  1 3, none, not sure, skip, back, pause
                 a reply typed in your direct messages with the bot: it answers the question
  home           open the bot's Home tab       status   /citycheck status
  resume         /citycheck resume             change OD1   change an earlier answer
  show           show the last screen again    say TEXT     send TEXT to the bot as it is
  switch coordinator / switch respondent       be the other person
  in a form:     3 some text  (type into field 3), submit, close
  help           this list                     quit     stop, with the final report"""

RESULT_HINT = (
    "\n🎉 The assessment is complete and its result is in the team's channel (above).\n"
    "   See the coordinator's view: switch coordinator, then status or home. quit ends the demo."
)
