-- Forget the plan saved on a day, before saving that day's plan again. Params: $plan_on.
delete from coverage_plan_assignments where plan_on = $plan_on::date
