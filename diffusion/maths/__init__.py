"""The mathematics of diffusion, in plain Python without Django: a statistician can read and test it alone.

- `bass` — the Bass model fitted to an adoption curve (hazard MLE, NLS, Bass's OLS) with honest flags
- `categories` — adopter categories (Rogers) and Walker's innovativeness score
- `network` — who learns from whom: the organisation network, its metrics, communities and region flows
- `inference` — lineage nobody recorded: NetInf-style inference of ties from adoption timing
- `event_history` — does the network explain adoption (Berry & Berry's discrete-time logit)
- `recommend` — what to adopt next, and its offline evaluation
"""
