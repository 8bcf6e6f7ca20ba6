"""Deploy designs: to the sandbox (a local moto server, the default) or to real AWS.

    from isshoni.deploy import runner
    job = runner.deploy("shop.infra.json")                   # sandbox, CloudFormation
    job = runner.deploy("shop.infra.json", engine="terraform")
    runner.canary("shop.infra.json", auto=True)               # 10 -> 50 -> 90 -> 100 (refuses unchecked steps
                                                              # unless accept_unchecked=True)
    runner.canary("shop.infra.json", rollback=True)           # 100% blue, one API call
    runner.destroy("shop.infra.json")

Modules, one job each: `sandbox` (the moto server), `targets` (sandbox / aws
clients), `engines` (CloudFormation, Terraform), `jobs` + `sink` (job records
in the design), `adapt` (what the sandbox cannot emulate), `verify` (the
honest report), `outcome` (counts that add up, warnings), `awserrors` (AWS
errors in plain words), `canary`, `sweep` + `sweep_listings` (sandbox
cleanup), `tfsafety` (refusing unsafe Terraform), `redact`, `state` (what is
remembered between commands), `runner` (ties them together), `cli` (the
commands).
"""
