"""Small utilities the rest of the package shares: atomic writes (:mod:`.io`), the project's folders
(:mod:`.paths`) and CPU threads (:mod:`.threads`). Private: nothing here is part of the public API."""
