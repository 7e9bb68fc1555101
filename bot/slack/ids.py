"""Every slash command, action, block and callback id the app uses, in one place.

Builders put these ids into Block Kit and listeners match on them, so a renamed id cannot leave a
button without a listener. Ids stay below Slack's 255-character limit and are unique
(a test checks).
"""

from __future__ import annotations

COMMAND = "/citycheck"
"""The one slash command; its subcommands are routed by `listeners.commands.router`."""

# Events the app subscribes to (the names used in the manifest's bot_events).
EVENT_APP_HOME_OPENED = "app_home_opened"
EVENT_MESSAGE_IM = "message.im"

# Blocks of the help message.
BLOCK_HELP_HEADER = "help_header"
BLOCK_HELP_COMMANDS = "help_commands"
BLOCK_HELP_HINT = "help_hint"
BLOCK_HELP_TIP = "help_tip"

# Blocks of the Home tab.
BLOCK_HOME_HEADER = "home_header"
BLOCK_HOME_INTRO = "home_intro"
BLOCK_HOME_COMMANDS = "home_commands"
BLOCK_HOME_TIP = "home_tip"

# Blocks of the failure notice sent by the error handler.
BLOCK_FAILURE = "failure_notice"

# Callback ids of views.
VIEW_HOME = "home"

# Coordinator: setup, assign, status, result.
# Buttons that other parts handle (values are assessment ids).
INTERVIEW_RESUME = "interview_resume"
"""Start or resume the clicking person's interview; value: the assessment id."""
PLAN_CREATE = "plan_create"
"""Draw an improvement plan from a completed assessment; value: the assessment id."""
# The setup modal: callback, inputs (block id and action id per field).
VIEW_SETUP = "setup_city"
BLOCK_SETUP_INTRO = "setup_intro"
BLOCK_SETUP_NAME = "setup_name"
ACTION_SETUP_NAME = "setup_name_input"
BLOCK_SETUP_STATE = "setup_state"
ACTION_SETUP_STATE = "setup_state_input"
BLOCK_SETUP_COUNTRY = "setup_country"
ACTION_SETUP_COUNTRY = "setup_country_select"
BLOCK_SETUP_POPULATION = "setup_population"
ACTION_SETUP_POPULATION = "setup_population_input"
BLOCK_SETUP_TIMEZONE = "setup_timezone"
ACTION_SETUP_TIMEZONE = "setup_timezone_select"
BLOCK_SETUP_CHANNEL = "setup_channel"
ACTION_SETUP_CHANNEL = "setup_channel_select"
BLOCK_SETUP_COORDINATORS = "setup_coordinators"
ACTION_SETUP_COORDINATORS = "setup_coordinators_select"
BLOCK_SETUP_LEADERS = "setup_leaders"
ACTION_SETUP_LEADERS = "setup_leaders_select"
# Messages after setup: the start notice in the digest channel, the note to the coordinator.
BLOCK_START_NOTICE = "start_notice"
BLOCK_START_NEXT = "start_next"
BLOCK_SETUP_DONE = "setup_done"
# The assign modal: one input per practice area, its block id the prefix plus the area id.
VIEW_ASSIGN = "assign_areas"
BLOCK_ASSIGN_INTRO = "assign_intro"
BLOCK_ASSIGN_AREA_PREFIX = "assign_area_"
ACTION_ASSIGN_PEOPLE = "assign_people_select"
# The assignment DM, its Later button, and the notes about changed assignments.
BLOCK_ASSIGNED_INTRO = "assigned_intro"
BLOCK_ASSIGNED_AREAS = "assigned_areas"
BLOCK_ASSIGNED_ACTIONS = "assigned_actions"
ASSIGNMENT_LATER = "assignment_later"
"""Put off starting the interview to the next working day; value: the assessment id."""
BLOCK_ASSIGNED_LATER = "assigned_later"
BLOCK_UNASSIGNED = "unassigned_notice"
BLOCK_ASSIGN_SAVED = "assign_saved"
# Refusals and choices shown to coordinators (ephemeral, or a modal replacing a submitted one).
VIEW_NOTICE = "coordinator_notice"
BLOCK_NOTICE = "coordinator_notice_text"
BLOCK_CITY_CHOICE = "city_choice"
# `/citycheck status` and the coordinator's App Home section.
BLOCK_STATUS_HEADER = "status_header"
BLOCK_STATUS_LEVEL = "status_level"
BLOCK_STATUS_AREAS = "status_areas"
BLOCK_STATUS_WAITING = "status_waiting"
BLOCK_STATUS_OWN = "status_own"
BLOCK_STATUS_OWN_ACTIONS = "status_own_actions"
BLOCK_STATUS_OUTSIDER = "status_outsider"
BLOCK_HOME_TEAM_PREFIX = "home_team_"
# The result posted to the digest channel when every assigned area is answered.
BLOCK_RESULT_HEADER = "result_header"
BLOCK_RESULT_SCORE = "result_score"
BLOCK_RESULT_AREAS = "result_areas"
BLOCK_RESULT_GAP = "result_gap"
BLOCK_RESULT_STEP_PREFIX = "result_step_"
BLOCK_RESULT_MORE = "result_more"
BLOCK_RESULT_ACTIONS = "result_actions"

# Reports: `/citycheck cohort` and the result chart on the coordinator's App Home.
BLOCK_COHORT_HEADER = "cohort_header"
BLOCK_COHORT_CITIES_PREFIX = "cohort_cities_"
BLOCK_COHORT_NOTE = "cohort_note"
BLOCK_HOME_CHART_PREFIX = "home_chart_"

# Interview (respondent): question messages, answer records, pauses, evidence, area summaries.
# Button values are "<assessment id>:<criterion id>" (pause choices: the assessment id).
INTERVIEW_ITEMS = "interview_items"
"""The checklist's checkboxes: ticking is acknowledged only; Save reads the ticks."""
INTERVIEW_SAVE = "interview_save"
INTERVIEW_NONE = "interview_none"
INTERVIEW_UNSURE = "interview_unsure"
INTERVIEW_SKIP = "interview_skip"
INTERVIEW_BACK = "interview_back"
INTERVIEW_EVIDENCE = "interview_evidence"
INTERVIEW_PAUSE = "interview_pause"
INTERVIEW_CHANGE = "interview_change"
INTERVIEW_PAUSE_TOMORROW = "interview_pause_tomorrow"
INTERVIEW_PAUSE_NEXT_WEEK = "interview_pause_next_week"
INTERVIEW_PAUSE_MYSELF = "interview_pause_myself"
BLOCK_QUESTION_PLACE = "question_place"
BLOCK_QUESTION_STATEMENT = "question_statement"
BLOCK_QUESTION_WHY = "question_why"
BLOCK_QUESTION_ITEMS = "question_items"
BLOCK_QUESTION_RULE = "question_rule"
BLOCK_QUESTION_ACTIONS = "question_actions"
BLOCK_RECORD = "answer_record"
BLOCK_RECORD_ITEMS = "answer_record_items"
BLOCK_RECORD_ACTIONS = "answer_record_actions"
BLOCK_INTERVIEW_INTRO = "interview_intro"
BLOCK_INTERVIEW_NOTE = "interview_note"
BLOCK_INTERVIEW_NOTE_ACTIONS = "interview_note_actions"
BLOCK_AREA_DONE_HEADER = "area_done_header"
BLOCK_AREA_DONE_ROWS = "area_done_rows"
BLOCK_AREA_DONE_STEPS = "area_done_steps"
BLOCK_ALL_DONE = "all_done"
BLOCK_ALL_DONE_AREAS = "all_done_areas"
VIEW_EVIDENCE = "interview_evidence_modal"
BLOCK_EVIDENCE_ABOUT = "evidence_about"
BLOCK_EVIDENCE_LINKS = "evidence_links"
ACTION_EVIDENCE_LINKS = "evidence_links_input"
BLOCK_EVIDENCE_NOTE = "evidence_note"
ACTION_EVIDENCE_NOTE = "evidence_note_input"
BLOCK_HOME_MINE_PREFIX = "home_mine_"

# Improvement plan, milestones, reminders, digests and follow-ups.
# The plan review modal: one include / owner / due input per milestone (prefix + criterion id).
VIEW_PLAN_REVIEW = "plan_review"
BLOCK_PLAN_REVIEW_INTRO = "plan_review_intro"
BLOCK_PLAN_REVIEW_NOTE = "plan_review_note"
BLOCK_PLAN_INCLUDE_PREFIX = "plan_include_"
BLOCK_PLAN_OWNER_PREFIX = "plan_owner_"
BLOCK_PLAN_DUE_PREFIX = "plan_due_"
ACTION_PLAN_INCLUDE = "plan_include_check"
ACTION_PLAN_OWNER = "plan_owner_select"
ACTION_PLAN_DUE = "plan_due_date"
# The plan as shown by `/citycheck plan`, to owners and after it is created.
BLOCK_PLAN_HEADER = "plan_header"
BLOCK_PLAN_SUMMARY = "plan_summary"
BLOCK_PLAN_AREA_PREFIX = "plan_area_"
BLOCK_PLAN_MORE = "plan_more"
BLOCK_PLAN_OFFER = "plan_offer"
BLOCK_PLAN_OFFER_ACTIONS = "plan_offer_actions"
BLOCK_PLAN_NOTICE = "plan_notice"
# A milestone with its buttons (in owner DMs, reminders and the leader's Home); values: its id.
BLOCK_MILESTONE_PREFIX = "milestone_"
BLOCK_MILESTONE_ACTIONS_PREFIX = "milestone_actions_"
MILESTONE_DONE = "milestone_done"
MILESTONE_SNOOZE = "milestone_snooze"
MILESTONE_HELP = "milestone_help"
VIEW_MILESTONE_DONE = "milestone_done_modal"
BLOCK_DONE_INTRO = "milestone_done_intro"
BLOCK_DONE_EVIDENCE = "milestone_done_evidence"
ACTION_DONE_EVIDENCE = "milestone_done_evidence_input"
BLOCK_MILESTONE_REPLY = "milestone_reply"
# Scheduled messages: reminders, coordinators' overdue notices, follow-ups, the digest.
BLOCK_REMINDER = "reminder_text"
BLOCK_REMINDER_CONTEXT = "reminder_context"
BLOCK_FOLLOWUP = "followup_text"
BLOCK_FOLLOWUP_ACTIONS = "followup_actions"
BLOCK_DIGEST_HEADER = "digest_header"
BLOCK_DIGEST_LEVEL = "digest_level"
BLOCK_DIGEST_AREAS = "digest_areas"
BLOCK_DIGEST_BEHIND = "digest_behind"
BLOCK_DIGEST_DUE = "digest_due"
BLOCK_DIGEST_OVERDUE = "digest_overdue"
BLOCK_DIGEST_ERRORS = "digest_errors"
BLOCK_DIGEST_CONTEXT = "digest_context"
# The leader's App Home section.
BLOCK_HOME_MILESTONES_HEADER = "home_milestones_header"
BLOCK_HOME_MILESTONES_EMPTY = "home_milestones_empty"
BLOCK_HOME_MILESTONES_MORE = "home_milestones_more"

# Rounds: `/citycheck new-round`, last round's answers in the question, the change since then.
INTERVIEW_STILL_TRUE = "interview_still_true"
"""Store last round's answer again in this round; value "<assessment id>:<criterion id>"."""
BLOCK_QUESTION_LAST = "question_last"
BLOCK_QUESTION_CHANGED = "question_changed"
NEW_ROUND_CLOSE = "new_round_close"
"""Close the open round as it stands and start the next; value "<assessment id>:<version>"."""
BLOCK_NEW_ROUND_TEXT = "new_round_text"
BLOCK_NEW_ROUND_AREAS = "new_round_areas"
BLOCK_NEW_ROUND_ACTIONS = "new_round_actions"
BLOCK_NEW_ROUND_NOTE = "new_round_note"
BLOCK_STATUS_CHANGE = "status_change"

# Languages: the answer to `/citycheck language`, and the setup modal's channel language.
BLOCK_LANGUAGE_PROBLEM = "language_problem"
BLOCK_LANGUAGE_PERSON = "language_person"
BLOCK_LANGUAGE_CITIES = "language_cities"
BLOCK_SETUP_LANGUAGE = "setup_language"
ACTION_SETUP_LANGUAGE = "setup_language_select"

# Installs: the events that remove a workspace's tokens (OAuth distribution).
EVENT_APP_UNINSTALLED = "app_uninstalled"
EVENT_TOKENS_REVOKED = "tokens_revoked"

# Evidence that stays true: re-checks after a milestone is done, stale evidence markers.
RECHECK_SAME = "recheck_same"
"""Keep the current answer ("Still the same"); value: the re-check id."""
RECHECK_SAVE = "recheck_save"
"""Store the ticked items as the new answer; value: the re-check id."""
RECHECK_NONE = "recheck_none"
RECHECK_UNSURE = "recheck_unsure"
BLOCK_RECHECK_INTRO = "recheck_intro"
BLOCK_RECHECK_ACTIONS = "recheck_actions"
BLOCK_RECHECK_RECORD = "recheck_record"
BLOCK_RECHECK_CHANGE = "recheck_change_text"
BLOCK_RECHECK_CHANGE_CONTEXT = "recheck_change_context"
BLOCK_QUESTION_STALE = "question_stale"
BLOCK_DIGEST_STALE = "digest_stale"

# Several respondents: disagreements on the coordinator's Home and in the digest, the
# talk-it-over conversation, the note when one is settled, `/citycheck assign <criterion>`.
DISAGREEMENT_ACCEPT = "disagreement_accept"
"""Make one respondent's answer the city's; value "<disagreement id>:<respondent answer id>"."""
DISAGREEMENT_TALK = "disagreement_talk"
"""Open a conversation with the respondents and the coordinator; value: the disagreement id."""
DISAGREEMENT_CHANGE = "disagreement_change"
"""Ask the clicking respondent the criterion again in their DM; value "<assessment>:<criterion>"."""
BLOCK_HOME_DISAGREEMENTS_HEADER = "home_disagreements_header"
BLOCK_HOME_DISAGREEMENTS_CITY_PREFIX = "home_disagreements_city_"
BLOCK_HOME_DISAGREEMENTS_MORE_PREFIX = "home_disagreements_more_"
BLOCK_DISAGREEMENT_PREFIX = "disagreement_view_"
BLOCK_DISAGREEMENT_BUTTONS_PREFIX = "disagreement_buttons_"
BLOCK_DIGEST_DISAGREEMENTS = "digest_disagreements"
BLOCK_DIGEST_DISAGREEMENTS_MORE = "digest_disagreements_more"
BLOCK_TALK_TEXT = "talk_text"
BLOCK_TALK_ANSWERS = "talk_answers"
BLOCK_TALK_ACTIONS = "talk_actions"
BLOCK_SETTLED_NOTICE = "settled_notice"
BLOCK_DISAGREEMENT_REPLY = "disagreement_reply"
BLOCK_ASSIGN_CRITERION = "assign_criterion_text"

# Absence and attention: Away and nudge times on the App Home, their modals, deputies' messages.
HOME_AWAY = "home_away"
HOME_BACK = "home_back"
HOME_NUDGE_TIMES = "home_nudge_times"
BLOCK_HOME_ATTENTION = "home_attention"
BLOCK_HOME_ATTENTION_NOTE = "home_attention_note"
BLOCK_HOME_ATTENTION_ACTIONS = "home_attention_actions"
VIEW_AWAY = "away_modal"
BLOCK_AWAY_INTRO = "away_intro"
BLOCK_AWAY_DATE = "away_date"
ACTION_AWAY_DATE = "away_date_pick"
BLOCK_AWAY_DEPUTY = "away_deputy"
ACTION_AWAY_DEPUTY = "away_deputy_select"
VIEW_NUDGE_TIMES = "nudge_times_modal"
BLOCK_NUDGE_DAYS = "nudge_days"
ACTION_NUDGE_DAYS = "nudge_days_check"
BLOCK_NUDGE_HOUR = "nudge_hour"
ACTION_NUDGE_HOUR = "nudge_hour_select"
BLOCK_AWAY_REPLY = "away_reply"
BLOCK_COVER = "cover_note"


def all_ids() -> dict[str, str]:
    """Every id constant of this module by its name (for the uniqueness and length test)."""
    return {
        name: value
        for name, value in globals().items()
        if name.isupper() and isinstance(value, str)
    }
