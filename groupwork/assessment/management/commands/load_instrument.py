from groupwork.assessment.services import load_instrument
from groupwork.core.loading_command import LoadDefinitionCommand, Loader


class Command(LoadDefinitionCommand):
    help = "Checks a questionnaire file and loads it as the questionnaire's next version."
    noun = "questionnaire"

    def loader(self) -> Loader:
        return load_instrument
