-- Condition groups in display order, from the reference table (a subgroup names its parent group).
-- No parameters.
SELECT id, name, parent, sort, description
FROM condition_groups
ORDER BY sort, id
