-- Whether the warehouse keeps a build history (warehouses built before data/history.py have none). No parameters.
SELECT count(*) AS tables FROM information_schema.tables WHERE table_name = 'build_history'
