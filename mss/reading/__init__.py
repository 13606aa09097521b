"""The one read path of the core: stored rows turned into opened summaries and contents.

Front ends (IMAP FETCH, SEARCH and SORT, the webmail) call this package instead of opening
sealed records themselves, so batching and the thread pool live in one place (issue 15, item 2).
"""
