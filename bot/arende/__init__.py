"""The model of one ärende: every fact of it in one frozen value, each with one rule.

`model.py` is the value (facts, answers, budget, signature, submission, status);
`budget.py` the one rule for what was granted and used; `loading.py` builds the value from
storage inside the caller's unit of work; `signed_state.py` whether the stored answers are
still the signed ones. Review, documents, `/oversikt`, the sammanställning, the
tjänsteskrivelse and the mail take this value or a projection that it makes, so an ärende
shows the same figures and status wherever it is read.
"""
