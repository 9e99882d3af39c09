"""action_list_treatment_choice: every eligible place, shortest known wait first."""
from __future__ import annotations

from actions.treatment_choice import ActionListTreatmentChoice


async def test_lists_places_under_the_right_to_choose(catalogue, dispatcher, tracker_for, domain):
    await ActionListTreatmentChoice(catalogue).run(dispatcher, tracker_for("ask_treatment_choice"), domain)
    assert dispatcher.messages[0]["response"] == "utter_treatment_places_intro"
    places = dispatcher.messages[1:]
    assert places and all(m["response"].startswith("utter_treatment_place_") for m in places)
    # Waits that are known come before those that are not.
    kinds = [m["response"] for m in places]
    assert kinds == sorted(kinds, key=lambda k: k != "utter_treatment_place_wait")
