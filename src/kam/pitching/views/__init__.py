"""Pages of pitching, one module per part of the work: briefs (and their page), ideas and the
review, proposals, and the version downloads; `urls.py` names the views through these modules."""
