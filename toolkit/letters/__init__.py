"""Claim letters (致歉信, 商洽函): the facts a letter states, HTML rendering for print, the job."""
